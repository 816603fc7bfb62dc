import { STREAM_END_COMMENT } from "../protocol/resumable-stream";
import { RagbitsAbortError, RagbitsProtocolError } from "./client-errors";
import { type SseReaderOptions, readSseEvents } from "./sse-event-reader";

/** How a resumable stream retries after its connection dropped. */
export interface ResumeRetryOptions {
  /** Re-attach attempts in a row before giving up (default 8); any event received starts the count over. */
  maxAttempts?: number | undefined;
  /** Wait before the first attempt (ms, default 250); each further attempt waits twice as long… */
  initialDelayMs?: number | undefined;
  /** …up to this (ms, default 4000). Every wait is jittered between half and all of it. */
  maxDelayMs?: number | undefined;
}

/** Told before each re-attach attempt. */
export interface ReconnectEvent {
  /** 1 for the first attempt after a drop. */
  attempt: number;
  /** How long the client waits before this attempt (ms). */
  delayMs: number;
  /** The id of the last event received: the replay starts after it. Undefined when none was. */
  lastEventId: string | undefined;
  /** What ended the previous connection (or failed the previous attempt). */
  error: unknown;
}

export interface ResumableSseOptions extends SseReaderOptions, ResumeRetryOptions {
  /** Opens the turn's stream again after `lastEventId` (GET /api/chat/:message_id/stream); resolves with its body. */
  reopen: (lastEventId: string | undefined) => Promise<ReadableStream<Uint8Array>>;
  onReconnect?: ((event: ReconnectEvent) => void) | undefined;
  /** Stops waiting and reading; the reader then throws RagbitsAbortError. */
  signal?: AbortSignal | undefined;
  /** Whether a failure ends the stream rather than being retried. Default: `isFinalFailure`. */
  isFinal?: ((error: unknown) => boolean) | undefined;
}

/**
 * A failure not worth retrying: the caller's abort, an answer that says the turn cannot be resumed
 * (404 unknown/expired, 410 events gone, 401/403, 400) or a protocol error. Network failures and 5xx
 * (a proxy whose upstream replica went away) are retried.
 */
export function isFinalFailure(error: unknown): boolean {
  if (RagbitsAbortError.isInstance(error)) return true;
  const status = (error as { status?: unknown } | null)?.status;
  if (typeof status === "number") return status < 500;
  return RagbitsProtocolError.isInstance(error);
}

/**
 * The `data` of a resumable turn's events, across dropped connections. A body that ends without the
 * server's `: end` comment was cut (even at an event boundary); the reader then waits (exponential
 * backoff with jitter), re-attaches with the id of the last complete event, and goes on from there:
 * an event cut mid-frame is dropped and comes again whole, so the data yielded is exactly the
 * turn's, once each. Gives up with the last failure after `maxAttempts` failed attempts in a row.
 */
export async function* readResumableSseData(first: ReadableStream<Uint8Array>, options: ResumableSseOptions): AsyncGenerator<string, void, undefined> {
  const maxAttempts = options.maxAttempts ?? 8;
  const isFinal = options.isFinal ?? isFinalFailure;
  let body: ReadableStream<Uint8Array> | undefined = first;
  let lastEventId: string | undefined;
  let failures = 0;
  let failure: unknown;
  for (;;) {
    if (body) {
      let ended = false;
      try {
        const events = readSseEvents(body, { ...options, partialEvent: "drop", onComment: (comment) => (ended ||= comment.trim() === STREAM_END_COMMENT) });
        for await (const event of events) {
          if (event.id !== undefined) lastEventId = event.id;
          failures = 0;
          yield event.data;
        }
        if (ended) return;
        failure = new Error("the connection closed before the answer was complete");
      } catch (error) {
        if (options.signal?.aborted || isFinal(error)) throw error;
        failure = error;
      }
      body = undefined;
    }
    failures++;
    if (failures > maxAttempts) throw failure;
    const delayMs = backoff(failures, options);
    options.onReconnect?.({ attempt: failures, delayMs, lastEventId, error: failure });
    await sleep(delayMs, options.signal);
    try {
      body = await options.reopen(lastEventId);
    } catch (error) {
      if (options.signal?.aborted || isFinal(error)) throw error;
      failure = error;
    }
  }
}

/** The wait before attempt `attempt` (1, 2, …): doubling from initialDelayMs up to maxDelayMs, jittered to 50–100 %. */
export function backoff(attempt: number, options: ResumeRetryOptions = {}): number {
  const initial = options.initialDelayMs ?? 250;
  const max = options.maxDelayMs ?? 4_000;
  const full = Math.min(max, initial * 2 ** (attempt - 1));
  return Math.round(full * (0.5 + Math.random() / 2));
}

function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(new RagbitsAbortError("resuming the answer", signal.reason));
    const onAbort = () => {
      clearTimeout(timer);
      reject(new RagbitsAbortError("resuming the answer", signal?.reason));
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}
