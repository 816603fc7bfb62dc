import { type MessageUsage, type WireEvent } from "../../../protocol/chat-response";
import { type OpenAIErrorBody, openAIErrorBody } from "./openai-error";

/**
 * How a turn's Ragbits events become OpenAI's chat-completions answer.
 *
 * - `text` → the assistant message's content (`delta.content` chunks when streaming);
 * - `usage` → `usage` (prompt, completion and total tokens summed over the models of the last
 *   usage event, as the Ragbits UI shows the last one): in the last chunk when the client asked
 *   for it with `stream_options.include_usage`, in the completion object otherwise;
 * - `error` → OpenAI's `{ "error": ... }`, which the OpenAI SDKs raise as `APIError`;
 * - every other event (references, images and their chunks, follow-ups, live updates, state, plan
 *   items, confirmation requests, clear_message, custom events, and usage too, per model) →
 *   unchanged, in order, in the extension field `ragbits_events`: on a chunk of its own (empty
 *   delta) when streaming, in one array on the completion object otherwise. OpenAI clients ignore
 *   the field; nothing the chat sent is lost.
 */
export const RAGBITS_EVENTS_FIELD = "ragbits_events";

/** Who answers: the same id, time and model on every chunk of one completion. */
export interface CompletionIdentity {
  id: string;
  created: number;
  model: string;
}

export interface CompletionUsage {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
}

/** What the stream sends: a JSON frame (a chunk or an error), or the final `[DONE]`. */
export type OpenAIStreamEvent = { type: "chunk"; content: Record<string, unknown> } | { type: "error"; content: { error: OpenAIErrorBody } } | { type: "done"; content: null };

/** Frames one stream event as OpenAI does: `data: <json>` or `data: [DONE]`, then a blank line. */
export function openAIFrame(event: WireEvent): string {
  return event.type === "done" ? "data: [DONE]\n\n" : `data: ${JSON.stringify(event.content)}\n\n`;
}

/** The chat's `error` event as OpenAI's error object (its message is already safe to show). */
export function turnError(event: WireEvent): OpenAIErrorBody {
  const message = (event.content as { message?: unknown } | null)?.message;
  return openAIErrorBody(typeof message === "string" && message ? message : "The chat failed to answer.", "server_error");
}

function usageOf(event: WireEvent): CompletionUsage | undefined {
  const byModel = (event.content as { usage?: Record<string, Partial<MessageUsage>> } | null)?.usage;
  if (!byModel || typeof byModel !== "object") return undefined;
  const total: CompletionUsage = { prompt_tokens: 0, completion_tokens: 0, total_tokens: 0 };
  for (const usage of Object.values(byModel)) {
    total.prompt_tokens += finite(usage?.prompt_tokens);
    total.completion_tokens += finite(usage?.completion_tokens);
    total.total_tokens += finite(usage?.total_tokens);
  }
  return total;
}

function finite(value: unknown): number {
  return typeof value === "number" && Number.isFinite(value) ? value : 0;
}

/** Builds the `chat.completion.chunk` stream of one turn, event by event. */
export class CompletionChunks {
  private usage: CompletionUsage | undefined;

  constructor(
    private readonly identity: CompletionIdentity,
    private readonly includeUsage: boolean,
  ) {}

  /** The first chunk: the assistant's role, as OpenAI opens every stream. */
  start(): OpenAIStreamEvent {
    return this.chunk({ role: "assistant", content: "" }, null);
  }

  /** The frame for one event of the turn; an `error` event is the stream's last. */
  next(event: WireEvent): OpenAIStreamEvent {
    if (event.type === "text") return this.chunk({ content: (event.content as { text: string }).text }, null);
    if (event.type === "error") return { type: "error", content: { error: turnError(event) } };
    if (event.type === "usage") this.usage = usageOf(event) ?? this.usage;
    return this.chunk({}, null, { [RAGBITS_EVENTS_FIELD]: [event] });
  }

  /** After the turn's last event: the chunk with `finish_reason`, the usage chunk if asked for, `[DONE]`. */
  *end(): Generator<OpenAIStreamEvent> {
    yield this.chunk({}, "stop");
    if (this.includeUsage && this.usage) yield { type: "chunk", content: { ...this.base(), choices: [], usage: this.usage } };
    yield { type: "done", content: null };
  }

  private chunk(delta: Record<string, unknown>, finishReason: "stop" | null, extra: Record<string, unknown> = {}): OpenAIStreamEvent {
    return {
      type: "chunk",
      content: {
        ...this.base(),
        choices: [{ index: 0, delta, logprobs: null, finish_reason: finishReason }],
        // With include_usage, OpenAI sends `usage: null` on every chunk but the last.
        ...(this.includeUsage ? { usage: null } : {}),
        ...extra,
      },
    };
  }

  private base(): Record<string, unknown> {
    return { id: this.identity.id, object: "chat.completion.chunk", created: this.identity.created, model: this.identity.model, system_fingerprint: null };
  }
}

/** The non-streaming answer: one `chat.completion` object, or the turn's error. */
export function completionObject(identity: CompletionIdentity, events: readonly WireEvent[]): { completion: Record<string, unknown> } | { error: OpenAIErrorBody } {
  let content = "";
  let usage: CompletionUsage | undefined;
  const ragbitsEvents: WireEvent[] = [];
  for (const event of events) {
    if (event.type === "error") return { error: turnError(event) };
    if (event.type === "text") {
      content += (event.content as { text: string }).text;
      continue;
    }
    // The chat took back what it had said so far: the message is what a Ragbits UI would show.
    if (event.type === "clear_message") content = "";
    if (event.type === "usage") usage = usageOf(event) ?? usage;
    ragbitsEvents.push(event);
  }
  return {
    completion: {
      id: identity.id,
      object: "chat.completion",
      created: identity.created,
      model: identity.model,
      system_fingerprint: null,
      choices: [{ index: 0, message: { role: "assistant", content, refusal: null }, logprobs: null, finish_reason: "stop" }],
      ...(usage ? { usage } : {}),
      ...(ragbitsEvents.length ? { [RAGBITS_EVENTS_FIELD]: ragbitsEvents } : {}),
    },
  };
}
