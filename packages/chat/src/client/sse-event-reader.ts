import { type ParseError, createParser } from "eventsource-parser";
import { RagbitsProtocolError } from "./client-errors";

/**
 * The largest event the reader buffers, in characters. Images arrive in ~100 k pieces; a stream
 * that never ends its line must not make the client buffer without bound.
 */
export const DEFAULT_MAX_EVENT_CHARS = 16 * 1024 * 1024;

export interface SseReaderOptions {
  maxEventChars?: number;
}

/** One Server-Sent Event: its `id:` (undefined when it had none) and its data. */
export interface SseEvent {
  id: string | undefined;
  data: string;
}

export interface SseEventReaderOptions extends SseReaderOptions {
  /** Called with each comment line's text (`: end` → "end"). */
  onComment?: (comment: string) => void;
  /**
   * What to do with an event whose closing blank line never came when the body ends: dispatch it
   * (the default: if the body was cut mid-line its JSON then fails loudly, instead of the answer
   * silently losing its end), or drop it (a reader that resumes from the last complete event).
   */
  partialEvent?: "dispatch" | "drop";
}

/**
 * Yields the `data` of each Server-Sent Event in a byte stream, as events complete. Bytes are
 * decoded in streaming mode (a character split across network chunks is joined, not mangled);
 * line assembly, comments (`: keep-alive`), `id:` and `event:` lines are eventsource-parser's job.
 * When the consumer stops early, the body is cancelled so the connection closes.
 */
export async function* readSseData(body: ReadableStream<Uint8Array>, options: SseReaderOptions = {}): AsyncGenerator<string, void, undefined> {
  for await (const event of readSseEvents(body, options)) yield event.data;
}

/** Like `readSseData`, with each event's id (what a client that resumes sends back as Last-Event-ID). */
export async function* readSseEvents(body: ReadableStream<Uint8Array>, options: SseEventReaderOptions = {}): AsyncGenerator<SseEvent, void, undefined> {
  const reader = body.getReader();
  const decoder = new TextDecoder("utf-8");
  const ready: SseEvent[] = [];
  let overflow: ParseError | undefined;
  const parser = createParser({
    onEvent: (event) => ready.push({ id: event.id, data: event.data }),
    ...(options.onComment ? { onComment: options.onComment } : {}),
    onError: (error) => {
      // Unknown fields and bad `retry:` values are ignored, as the SSE spec says; only overflow is fatal.
      if (error.type === "max-buffer-size-exceeded") overflow = error;
    },
    maxBufferSize: options.maxEventChars ?? DEFAULT_MAX_EVENT_CHARS,
  });
  let finished = false;
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      parser.feed(decoder.decode(value, { stream: true }));
      if (overflow) throw new RagbitsProtocolError(`An event is larger than ${options.maxEventChars ?? DEFAULT_MAX_EVENT_CHARS} characters`, { cause: overflow });
      yield* ready.splice(0);
    }
    if (options.partialEvent !== "drop") {
      // An event whose closing blank line never came is still dispatched: if the body was cut
      // mid-line, its JSON then fails loudly instead of the answer silently losing its end.
      parser.feed(`${decoder.decode()}\n\n`);
      yield* ready.splice(0);
    }
    finished = true;
  } finally {
    // Not awaited: cancelling an errored or aborted body may reject, and must not delay the caller.
    if (!finished) reader.cancel().catch(() => undefined);
  }
}
