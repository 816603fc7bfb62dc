/** A tool call the mock upstream should make. */
export interface MockToolCall {
  id?: string;
  name: string;
  /** An object, or a raw string (which may be malformed on purpose). */
  arguments: string | Record<string, unknown>;
}

/** Token counts, as @ragbits/core reports them: `promptTokens` is the whole prompt, cache reads and writes included. */
export interface MockUsage {
  promptTokens: number;
  completionTokens: number;
  cachedPromptTokens?: number;
  /** Prompt tokens written to the cache (Anthropic's cache_creation_input_tokens). */
  cacheWritePromptTokens?: number;
  /** Reasoning tokens (OpenAI's reasoning_tokens, Anthropic's thinking_tokens), part of completionTokens. */
  reasoningTokens?: number;
  /** Anthropic: server_tool_use.web_search_requests. */
  webSearchRequests?: number;
}

/** One step of Anthropic's `usage.iterations` (a server-side tool loop turn, or a compaction). */
export interface MockIteration extends MockUsage {
  type: "message" | "compaction" | (string & {});
}

/** A server-side tool Anthropic runs itself (web search): streamed as server_tool_use and its result block. */
export interface MockServerToolCall {
  id?: string;
  name: string;
  input: Record<string, unknown>;
}

/**
 * Faults a mock upstream can inject:
 * - `reset-before-headers`: the connection is destroyed before any response.
 * - `reset-after-first-chunk`: headers and the first content frame, then the connection is destroyed.
 * - `stall-before-first-byte` / `stall-after-first-chunk`: the server goes silent (until the client gives up).
 * - `malformed-frame`: the second content frame is replaced by one that is not valid JSON.
 * - `no-terminator`: the stream ends without the provider's completion frames.
 * - `reset-before-last-frame`: every frame but the last (message_stop, `[DONE]`, Ollama's done
 *   line), then the connection is destroyed: the finish reason and usage may already have arrived.
 * - `error-after-first-chunk`: the first content frame, then the provider's in-stream error event
 *   (`errorMessage`, typed from `streamErrorStatus`).
 * - `duplicate-message-start` (Anthropic): a second message_start after the first content frame.
 */
export type MockFault =
  | "reset-before-headers"
  | "reset-after-first-chunk"
  | "stall-before-first-byte"
  | "stall-after-first-chunk"
  | "malformed-frame"
  | "no-terminator"
  | "reset-before-last-frame"
  | "error-after-first-chunk"
  | "duplicate-message-start";

/** What the mock upstream answers to one request. Streamed or not, as the request asked. */
export interface MockReply {
  /** The answer's text: one string, or the chunks to stream it in. */
  text?: string | string[];
  /** Reasoning ("thinking") sent before the text, as one string or chunks. */
  reasoning?: string | string[];
  toolCalls?: MockToolCall[];
  /** Token counts to report; by default derived from the request and reply sizes. */
  usage?: MockUsage;
  /**
   * Anthropic: the usage message_start reports before the answer, which the final (cumulative)
   * figures of message_delta replace. Default: the final prompt counts and 1 output token.
   */
  provisionalUsage?: MockUsage;
  /** Anthropic: per-step usage (`usage.iterations`) in message_delta. */
  iterations?: MockIteration[];
  /** Anthropic: server tools it ran (web search), streamed before the text. */
  serverToolCalls?: MockServerToolCall[];
  /**
   * The model declines, with this explanation: OpenAI streams it as `delta.refusal` (content null);
   * Anthropic ends with `stop_reason: "refusal"` and `stop_details.explanation` ("" sends null).
   */
  refusal?: string;
  /** OpenAI: the texts of choices 1, 2, … (as with `n > 1`), streamed interleaved with choice 0, each with its index. */
  extraChoices?: Array<string | string[]>;
  /**
   * OpenAI-compatible servers such as Mistral's reasoning models: `content` as an array of typed
   * parts, `{type: "text", text}` and `{type: "thinking", thinking: [{type: "text", text}]}`.
   */
  contentAsParts?: boolean;
  /** The provider-native finish/stop reason; by default the provider's "stop" (or its tool-call reason). */
  finishReason?: string;
  /** The model name reported back; by default the one requested. */
  model?: string;
  /** Delay before each frame after the first. */
  chunkDelayMs?: number;
  /** Write each frame in pieces of this many bytes, so multi-byte characters are split across network writes. */
  byteChunkSize?: number;
  /** Answer with this HTTP error status (in the provider's error body format) instead of a completion. */
  status?: number;
  /** With `error-after-first-chunk`: the status whose error type the in-stream error carries (default 529 for Anthropic, 500 otherwise). */
  streamErrorStatus?: number;
  /** The error message for `status`. */
  errorMessage?: string;
  /** Extra response headers (for example `retry-after`). */
  headers?: Record<string, string>;
  fault?: MockFault;
}

export function textChunks(reply: MockReply): string[] {
  return toChunks(reply.text);
}

export function reasoningChunks(reply: MockReply): string[] {
  return toChunks(reply.reasoning);
}

function toChunks(value: string | string[] | undefined): string[] {
  if (value === undefined) return [];
  return typeof value === "string" ? [value] : value;
}

/** Tool-call arguments as the string the model would stream. */
export function rawArguments(call: MockToolCall): string {
  return typeof call.arguments === "string" ? call.arguments : JSON.stringify(call.arguments);
}

/** Cuts a string into `parts` pieces of near-equal length (at least one piece). */
export function splitInto(text: string, parts: number): string[] {
  if (text.length === 0) return [""];
  const size = Math.ceil(text.length / parts);
  const pieces: string[] = [];
  for (let start = 0; start < text.length; start += size) pieces.push(text.slice(start, start + size));
  return pieces;
}

export function defaultUsage(requestBody: unknown, reply: MockReply): MockUsage {
  const promptTokens = Math.max(1, Math.ceil(JSON.stringify(requestBody ?? "").length / 4));
  const completionTokens = textChunks(reply).length + reasoningChunks(reply).length + (reply.toolCalls?.length ?? 0);
  return { promptTokens, completionTokens };
}
