/** A tool call the mock upstream should make. */
export interface MockToolCall {
  id?: string;
  name: string;
  /** An object, or a raw string (which may be malformed on purpose). */
  arguments: string | Record<string, unknown>;
}

export interface MockUsage {
  promptTokens: number;
  completionTokens: number;
  cachedPromptTokens?: number;
  reasoningTokens?: number;
}

/**
 * Faults a mock upstream can inject:
 * - `reset-before-headers`: the connection is destroyed before any response.
 * - `reset-after-first-chunk`: headers and the first content frame, then the connection is destroyed.
 * - `stall-before-first-byte` / `stall-after-first-chunk`: the server goes silent (until the client gives up).
 * - `malformed-frame`: the second content frame is replaced by one that is not valid JSON.
 * - `no-terminator`: the stream ends without the provider's completion frames.
 */
export type MockFault =
  | "reset-before-headers"
  | "reset-after-first-chunk"
  | "stall-before-first-byte"
  | "stall-after-first-chunk"
  | "malformed-frame"
  | "no-terminator";

/** What the mock upstream answers to one request. Streamed or not, as the request asked. */
export interface MockReply {
  /** The answer's text: one string, or the chunks to stream it in. */
  text?: string | string[];
  /** Reasoning ("thinking") sent before the text, as one string or chunks. */
  reasoning?: string | string[];
  toolCalls?: MockToolCall[];
  /** Token counts to report; by default derived from the request and reply sizes. */
  usage?: MockUsage;
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
