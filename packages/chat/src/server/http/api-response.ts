import { type WireEvent } from "../../protocol/chat-response";

export type ResponseHeaders = Record<string, string | string[]>;

/** A whole answer: JSON, HTML, CSS, a UI file. */
export interface BodyResponse {
  status: number;
  headers: ResponseHeaders;
  body: string | Uint8Array | null;
}

/** A Server-Sent Events answer; the adapter frames each event and writes it as the client drains. */
export interface EventStreamResponse {
  status: 200;
  headers: ResponseHeaders;
  events: AsyncIterable<WireEvent>;
  /**
   * Writes one event as SSE text (ending with its blank line). Default: `sseFrame`, Ragbits'
   * `data: <WireEvent JSON>`. A route that speaks another protocol over SSE (OpenAI's
   * `chat.completion.chunk` frames and `data: [DONE]`) brings its own.
   */
  frame?: (event: WireEvent) => string;
  /** Send `: keep-alive` after this long without an event. */
  keepAliveMs: number;
  /** The adapter calls it when the client goes away before the stream ended. */
  clientGone(): void;
}

export type ApiResponse = BodyResponse | EventStreamResponse;

export function isEventStream(response: ApiResponse): response is EventStreamResponse {
  return "events" in response;
}

export const EVENT_STREAM_HEADERS: ResponseHeaders = eventStreamHeaders();

/**
 * A fresh copy of the event-stream headers, as an object literal: V8 gives every such object the
 * same hidden class, where `{ ...EVENT_STREAM_HEADERS }` extended with the common headers gets one
 * of its own per response (memory held for every open stream).
 */
export function eventStreamHeaders(): ResponseHeaders {
  return { "content-type": "text/event-stream; charset=utf-8", "cache-control": "no-cache, no-transform", "x-accel-buffering": "no" };
}

/** One event on the wire: a single `data:` line (JSON never holds a raw newline) and a blank line. */
export function sseFrame(event: WireEvent): string {
  const text = plainText(event);
  // Most events of an answer are text: the same bytes JSON.stringify(event) writes, at a quarter of its cost.
  if (text !== undefined) return `data: {"type":"text","content":{"text":${JSON.stringify(text)}}}\n\n`;
  return `data: ${JSON.stringify(event)}\n\n`;
}

/**
 * The text of an event that is exactly `{ type: "text", content: { text } }` — these keys in this
 * order, nothing else, no toJSON — so that writing it by hand gives JSON.stringify's bytes; else undefined.
 */
function plainText(event: WireEvent): string | undefined {
  if (event.type !== "text") return undefined;
  const content = event.content as { text?: unknown; toJSON?: unknown } | null;
  if (typeof content !== "object" || content === null || typeof content.text !== "string") return undefined;
  if (typeof (event as { toJSON?: unknown }).toJSON === "function" || typeof content.toJSON === "function") return undefined;
  let keys = 0;
  for (const key in event) if (key !== (keys++ === 0 ? "type" : "content") || keys > 2) return undefined;
  if (keys !== 2) return undefined;
  keys = 0;
  for (const key in content) if (key !== "text" || ++keys > 1) return undefined;
  return content.text;
}

export const SSE_KEEP_ALIVE = ": keep-alive\n\n";

export function jsonResponse(body: unknown, status = 200, headers: ResponseHeaders = {}): BodyResponse {
  return { status, headers: { "content-type": "application/json; charset=utf-8", ...headers }, body: JSON.stringify(body) };
}
