import { randomUUID } from "node:crypto";
import { LLMRateLimitError } from "@ragbits/core";
import { type ChatTurn, failureBehind } from "../../../interface/stream-chat";
import { type WireEvent } from "../../../protocol/chat-response";
import { type ApiContext, type RouteInput, SERVER_SHUTDOWN } from "../../api-context";
import { type ApiResponse, EVENT_STREAM_HEADERS, jsonResponse } from "../../http/api-response";
import { readJson } from "../../http/read-body";
import { turnEvents } from "../chat-route";
import { type CompletionIdentity, CompletionChunks, type OpenAIStreamEvent, completionObject, openAIFrame, turnError } from "./completion-events";
import { type CompletionTurn, parseCompletionRequest } from "./completion-request";
import { type OpenAICompatibleConfig } from "./openai-compatible-options";
import { openAIError } from "./openai-error";

/**
 * POST /v1/chat/completions: one chat turn (`streamChat`, as POST /api/chat runs it) answered as
 * OpenAI does, streamed (`chat.completion.chunk` SSE frames ending with `data: [DONE]`) or whole
 * (one `chat.completion`). The client going away aborts the turn and its model call.
 *
 * Streaming waits for the turn's first event, at most `keepAliveMs`, before it commits to a 200:
 * a chat that fails before it says anything is then an HTTP error the OpenAI SDKs raise with its
 * status, as OpenAI's own failures are; a failure after that is an in-stream `{ "error": ... }`
 * frame (the SDKs raise that as `APIError` too).
 */
export function chatCompletionsRoute(config: OpenAICompatibleConfig) {
  return async ({ request, context }: RouteInput): Promise<ApiResponse> => {
    const body = await readJson(request, context.bodyLimit.bytes, context.bodyLimit.label);
    const parsed = parseCompletionRequest(body, config.modelName);
    const messageId = randomUUID();
    const controller = new AbortController();
    request.signal?.addEventListener("abort", () => controller.abort(), { once: true });
    context.activeTurns.add(controller);
    // Both ids given: the turn sends no id events and generates no conversation summary (an
    // OpenAI request is stateless; a summary would often cost a model call for nothing).
    const turn: ChatTurn = { message: parsed.message, history: parsed.history, context: { message_id: messageId, conversation_id: randomUUID() }, signal: controller.signal };
    const events = turnEvents(context, turn, controller);
    const identity: CompletionIdentity = { id: `chatcmpl-${messageId}`, created: Math.floor(Date.now() / 1000), model: config.modelName };
    return parsed.stream ? streamed(context, parsed, identity, events, controller) : await whole(identity, events, controller);
  };
}

async function whole(identity: CompletionIdentity, events: AsyncIterable<WireEvent>, controller: AbortController): Promise<ApiResponse> {
  const seen: WireEvent[] = [];
  for await (const event of events) seen.push(event);
  if (controller.signal.reason === SERVER_SHUTDOWN) throw shuttingDown();
  const answer = completionObject(identity, seen);
  if ("error" in answer) throw failedTurn(seen.find((event) => event.type === "error")!, answer.error.message);
  return jsonResponse(answer.completion);
}

async function streamed(context: ApiContext, parsed: CompletionTurn, identity: CompletionIdentity, events: AsyncGenerator<WireEvent, void, undefined>, controller: AbortController): Promise<ApiResponse> {
  const first = events.next();
  const early = await settledWithin(first, context.keepAliveMs);
  if (early && !early.done && early.value.type === "error") {
    await events.return();
    if (controller.signal.reason === SERVER_SHUTDOWN) throw shuttingDown();
    throw failedTurn(early.value, turnError(early.value).message);
  }
  const chunks = new CompletionChunks(identity, parsed.includeUsage);
  return {
    status: 200,
    headers: { ...EVENT_STREAM_HEADERS },
    keepAliveMs: context.keepAliveMs,
    events: streamEvents(first, events, chunks),
    frame: openAIFrame,
    clientGone: () => controller.abort(),
  };
}

/** The turn's events (the first one already asked for) as OpenAI stream events. */
async function* streamEvents(first: Promise<IteratorResult<WireEvent, void>>, events: AsyncGenerator<WireEvent, void, undefined>, chunks: CompletionChunks): AsyncGenerator<OpenAIStreamEvent, void, undefined> {
  try {
    yield chunks.start();
    for (let next = await first; !next.done; next = await events.next()) {
      const frame = chunks.next(next.value);
      yield frame;
      // After an error OpenAI sends nothing more: no finish chunk, no [DONE].
      if (frame.type === "error") return;
    }
    yield* chunks.end();
  } finally {
    // Stopped early (the client went away): the turn's generator ends too (its finally saves it).
    await events.return();
  }
}

/** The promise's result if it settles within `ms`, else undefined (it keeps running). */
async function settledWithin<T>(promise: Promise<T>, ms: number): Promise<T | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<undefined>((resolve) => {
    timer = setTimeout(() => resolve(undefined), Math.max(1, ms));
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * A turn that failed before its answer began, as an HTTP error: 429 when the model provider rate
 * limited it (with Retry-After when the provider said how long: OpenAI clients back off on it, and
 * the SDKs retry it), else 500.
 */
function failedTurn(event: WireEvent, message: string) {
  const failure = failureBehind(event);
  if (LLMRateLimitError.isInstance(failure)) {
    const retryAfter = failure.retryAfterMs === undefined ? undefined : String(Math.max(1, Math.ceil(failure.retryAfterMs / 1000)));
    return openAIError(429, message, "requests", { code: "rate_limit_exceeded", headers: retryAfter ? { "retry-after": retryAfter } : undefined });
  }
  return openAIError(500, message, "server_error");
}

function shuttingDown() {
  return openAIError(503, "The server is shutting down; the answer was cut short. Please try again.", "server_error");
}
