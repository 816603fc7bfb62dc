import { type WireEvent } from "../../protocol/chat-response";
import { type ApiRequest } from "../http/api-request";
import { type ApiResponse, type EventStreamResponse, type ResponseHeaders, SSE_KEEP_ALIVE, isEventStream, sseFrame } from "../http/api-response";

export interface FetchRequestOptions {
  /** Where the API is mounted when the framework passes the full URL (`/chat` → `/chat/api/config`). */
  basePath?: string | undefined;
  /** The client's address, when the runtime tells it (Bun: `server.requestIP(req)?.address`). */
  remoteAddress?: string | undefined;
}

/**
 * A web `Request` as the API handler sees it. `runtime` is the second argument the server passed to
 * its fetch handler: our options, or what a runtime passes (Hono on Node: `{ incoming }`; Deno:
 * `{ remoteAddr }`; Bun: the server, with `requestIP()`), from which the client address is read.
 */
export function fromFetchRequest(request: Request, runtime?: unknown): ApiRequest {
  const options = (runtime ?? {}) as FetchRequestOptions;
  const url = new URL(request.url);
  const basePath = (options.basePath ?? "").replace(/\/+$/, "");
  const below = basePath && url.pathname.startsWith(`${basePath}/`) ? url.pathname.slice(basePath.length) : url.pathname;
  return {
    method: request.method.toUpperCase(),
    path: below === basePath ? "/" : below,
    query: url.search.slice(1),
    mountPath: basePath,
    remoteAddress: options.remoteAddress ?? runtimeRemoteAddress(request, runtime),
    header: (name) => request.headers.get(name) ?? undefined,
    signal: request.signal,
    // Web ReadableStreams are async-iterable in every server runtime (Node 18+, Bun, Deno).
    body: () => (request.body as unknown as AsyncIterable<Uint8Array> | null) ?? EMPTY_BODY,
  };
}

/** The client address as the common runtimes pass it beside the request; undefined when unknown. */
function runtimeRemoteAddress(request: Request, runtime: unknown): string | undefined {
  if (typeof runtime !== "object" || runtime === null) return undefined;
  const candidate = runtime as {
    incoming?: { socket?: { remoteAddress?: string } };
    remoteAddr?: { hostname?: string };
    requestIP?: (request: Request) => { address?: string } | null;
  };
  if (candidate.incoming?.socket?.remoteAddress) return candidate.incoming.socket.remoteAddress;
  if (typeof candidate.remoteAddr?.hostname === "string") return candidate.remoteAddr.hostname;
  if (typeof candidate.requestIP === "function") return candidate.requestIP(request)?.address ?? undefined;
  return undefined;
}

const EMPTY_BODY: AsyncIterable<Uint8Array> = { async *[Symbol.asyncIterator]() {} };

/** An API answer as a web `Response`; an event stream becomes a pull-driven ReadableStream. */
export function toFetchResponse(response: ApiResponse, request: Request): Response {
  const headers = toHeaders(response.headers);
  if (isEventStream(response)) return new Response(eventStream(response, request.signal), { status: 200, headers });
  const body = request.method === "HEAD" ? null : response.body;
  return new Response(body as BodyInit | null, { status: response.status, headers });
}

function toHeaders(source: ResponseHeaders): Headers {
  const headers = new Headers();
  for (const [name, value] of Object.entries(source)) {
    if (Array.isArray(value)) for (const item of value) headers.append(name, item);
    else headers.set(name, value);
  }
  return headers;
}

/** A batch this large is handed to the stream at once rather than at the end of the tick. */
const BATCH_CHARS = 16 * 1024;

/** Runs `fn` once the current tick's work (its promise reactions included) is done, where the runtime can tell. */
const afterTick: (fn: () => void) => void = (globalThis as { process?: { nextTick?: (fn: () => void) => void } }).process?.nextTick ?? queueMicrotask;

/**
 * Server-Sent Events as a ReadableStream: events are produced only when the consumer pulls
 * (backpressure), keep-alive comments are queued only when nothing else is, and a cancelled stream
 * or an aborted request (the client went away) stops the turn.
 *
 * Events that arrive within one tick go out as one chunk (one encoding, one read and one socket
 * write for the server instead of one per event): each pull reads events until its batch has been
 * handed to the stream at the end of the tick (or at once past BATCH_CHARS), so no event waits for
 * the next one and at most one event is read ahead of the consumer.
 */
function eventStream(response: EventStreamResponse, requestSignal: AbortSignal): ReadableStream<Uint8Array> {
  const events = response.events[Symbol.asyncIterator]();
  const encoder = new TextEncoder();
  const frame = response.frame ?? sseFrame;
  let stream!: ReadableStreamDefaultController<Uint8Array>;
  let keepAlive: ReturnType<typeof setInterval> | undefined;
  let finished = false;
  let cancelled = false;
  let batch = "";
  let flushQueued = false;
  /** How many batches were handed to the stream: a pull ends once it handed one. */
  let flushes = 0;
  const flush = () => {
    flushQueued = false;
    if (batch === "" || cancelled) return;
    stream.enqueue(encoder.encode(batch));
    batch = "";
    flushes++;
    (keepAlive as { refresh?: () => void }).refresh?.();
  };
  const stop = () => {
    clearInterval(keepAlive);
    if (finished) return;
    finished = cancelled = true;
    response.clientGone();
    requestSignal.removeEventListener("abort", stop);
    void events.return?.();
  };
  return new ReadableStream<Uint8Array>({
    start(controller) {
      stream = controller;
      requestSignal.addEventListener("abort", stop, { once: true });
      keepAlive = setInterval(() => {
        if ((controller.desiredSize ?? 0) > 0) controller.enqueue(encoder.encode(SSE_KEEP_ALIVE));
      }, Math.max(1, response.keepAliveMs));
      (keepAlive as { unref?: () => void }).unref?.();
    },
    async pull(controller) {
      const handed = flushes;
      do {
        let next: IteratorResult<WireEvent>;
        try {
          next = await events.next();
        } catch (error) {
          // The stream errors; a batch queued for the end of the tick must not be enqueued into it.
          cancelled = true;
          clearInterval(keepAlive);
          throw error;
        }
        if (cancelled) return;
        if (next.done) {
          flush();
          finished = true;
          clearInterval(keepAlive);
          requestSignal.removeEventListener("abort", stop);
          controller.close();
          return;
        }
        batch += frame(next.value);
        if (batch.length >= BATCH_CHARS) flush();
        else if (!flushQueued) {
          flushQueued = true;
          afterTick(flush);
        }
      } while (flushes === handed);
    },
    cancel: stop,
  });
}
