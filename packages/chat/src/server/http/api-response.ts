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

export const EVENT_STREAM_HEADERS: ResponseHeaders = {
  "content-type": "text/event-stream; charset=utf-8",
  "cache-control": "no-cache, no-transform",
  "x-accel-buffering": "no",
};

/** One event on the wire: a single `data:` line (JSON never holds a raw newline) and a blank line. */
export function sseFrame(event: WireEvent): string {
  return `data: ${JSON.stringify(event)}\n\n`;
}

export const SSE_KEEP_ALIVE = ": keep-alive\n\n";

export function jsonResponse(body: unknown, status = 200, headers: ResponseHeaders = {}): BodyResponse {
  return { status, headers: { "content-type": "application/json; charset=utf-8", ...headers }, body: JSON.stringify(body) };
}
