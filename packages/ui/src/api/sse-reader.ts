import { createParser } from "eventsource-parser";
import { type RawChatEvent } from "./protocol-types";

export interface StreamReaderCallbacks {
  onEvent: (event: RawChatEvent) => void;
  /** A `data:` payload that is not a `{type, content}` JSON object; the stream goes on. */
  onMalformed?: (data: string) => void;
}

// A single event larger than this is a broken server, not an answer: refuse to buffer it forever.
const MAX_EVENT_CHARS = 32 * 1024 * 1024;

/**
 * Reads a Ragbits `text/event-stream` body to its end, calling `onEvent` for every `data:` line.
 * SSE framing (events and lines split across network chunks, CR/LF variants, comments, `id:`
 * lines) is eventsource-parser's job; UTF-8 characters split across chunks are joined by the
 * streaming TextDecoder. Resolves when the body ends; rejects with the abort error when the
 * request's signal is aborted.
 */
export async function readEventStream(body: ReadableStream<Uint8Array>, callbacks: StreamReaderCallbacks): Promise<void> {
  const parser = createParser({
    maxBufferSize: MAX_EVENT_CHARS,
    onEvent: (message) => dispatch(message.data, callbacks),
  });
  const decoder = new TextDecoder("utf-8");
  const reader = body.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      parser.feed(decoder.decode(value, { stream: true }));
    }
    // A server that ends without the final blank line still meant its last event; extra blank
    // lines dispatch nothing.
    parser.feed(`${decoder.decode()}\n\n`);
  } finally {
    reader.releaseLock();
  }
}

/** Parses one `data:` payload into an event, or reports it as malformed. */
export function parseEventData(data: string): RawChatEvent | null {
  let parsed: unknown;
  try {
    parsed = JSON.parse(data);
  } catch {
    return null;
  }
  if (typeof parsed !== "object" || parsed === null) return null;
  const { type, content } = parsed as { type?: unknown; content?: unknown };
  if (typeof type !== "string") return null;
  return { type, content: content ?? {} };
}

function dispatch(data: string, callbacks: StreamReaderCallbacks): void {
  if (data === "") return;
  const event = parseEventData(data);
  if (event) callbacks.onEvent(event);
  else callbacks.onMalformed?.(data);
}
