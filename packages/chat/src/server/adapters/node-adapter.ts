import { type IncomingMessage, type ServerResponse } from "node:http";
import { type ApiRequest } from "../http/api-request";
import { type ApiResponse, type EventStreamResponse, SSE_KEEP_ALIVE, isEventStream, sseFrame } from "../http/api-response";

/** What Express adds to a node:http request when the API is mounted below a path. */
interface MountedRequest extends IncomingMessage {
  baseUrl?: string;
  /** Set by a body parser that ran before us (`express.json()`); the stream is then already read. */
  body?: unknown;
}

/** A node:http (or Express) request as the API handler sees it. */
export function fromNodeRequest(req: MountedRequest, res?: ServerResponse): ApiRequest {
  const url = req.url ?? "/";
  const query = url.indexOf("?");
  const preParsed = req.readableEnded && req.body !== undefined;
  let signal: AbortSignal | undefined;
  return {
    // Made on first use only: most routes never ask.
    get signal() {
      return res ? (signal ??= clientGoneSignal(req, res)) : undefined;
    },
    method: req.method ?? "GET",
    path: query === -1 ? url : url.slice(0, query),
    query: query === -1 ? "" : url.slice(query + 1),
    mountPath: req.baseUrl ?? "",
    remoteAddress: req.socket.remoteAddress,
    header(name) {
      // A body parser in front of us already decoded the body: it reaches us as plain JSON.
      if (preParsed && (name === "content-encoding" || name === "content-length")) return name === "content-length" ? "1" : undefined;
      const value = req.headers[name];
      return Array.isArray(value) ? value.join(", ") : value;
    },
    body: () => (preParsed ? reparsed(req.body) : req),
  };
}

/** Aborts when the response closes before it was finished: the client went away. */
function clientGoneSignal(req: IncomingMessage, res: ServerResponse): AbortSignal {
  const controller = new AbortController();
  if (!res.writableFinished && (res.destroyed || req.socket.destroyed)) controller.abort();
  else
    res.once("close", () => {
      if (!res.writableFinished) controller.abort();
    });
  return controller.signal;
}

async function* reparsed(body: unknown): AsyncGenerator<Uint8Array> {
  yield Buffer.from(typeof body === "string" ? body : JSON.stringify(body));
}

/** Writes an API answer to a node:http response; resolves when it has been written (or the client left). */
export async function writeNodeResponse(response: ApiResponse, res: ServerResponse): Promise<void> {
  if (isEventStream(response)) return writeEventStream(response, res);
  res.writeHead(response.status, response.headers);
  res.end(response.body ?? undefined);
}

/** A batch this large is written at once rather than at the end of the tick (a bound on what waits in memory). */
const BATCH_BYTES = 16 * 1024;

/**
 * Server-Sent Events over node:http: headers flushed at once, keep-alive comments during silences,
 * and the turn told at once when the client goes away.
 *
 * Events that arrive within one tick (a model's network read often carries dozens of tokens) go
 * out in one `res.write`: one HTTP chunk and one socket write instead of one per event, which is
 * most of what streaming costs a server per event. A batch is written at the end of the tick, or
 * at once when it reaches BATCH_BYTES. Backpressure: while the client has not drained what was
 * written (`writableNeedDrain`), no further event is asked for, so a slow reader never makes the
 * server buffer without bound.
 */
async function writeEventStream(response: EventStreamResponse, res: ServerResponse): Promise<void> {
  res.writeHead(200, { ...response.headers, connection: "keep-alive" });
  res.flushHeaders();
  // Small SSE frames must not wait for Nagle's algorithm.
  res.socket?.setNoDelay(true);
  let open = !res.destroyed;
  let batch = "";
  let flushQueued = false;
  const keepAlive = setInterval(() => {
    if (open && res.writableLength === 0) res.write(SSE_KEEP_ALIVE);
  }, Math.max(1, response.keepAliveMs));
  keepAlive.unref();
  const flush = () => {
    flushQueued = false;
    if (batch === "") return;
    if (open) {
      res.write(batch);
      keepAlive.refresh();
    }
    batch = "";
  };
  // 'close' comes once; `on` spares the wrapper `once` keeps for every open stream.
  res.on("close", () => {
    open = false;
    clearInterval(keepAlive);
    // 'close' before the response finished means the client went away (or stopped the answer).
    if (!res.writableFinished) response.clientGone();
  });
  const frame = response.frame ?? sseFrame;
  try {
    for await (const event of response.events) {
      if (!open) break;
      batch += frame(event);
      if (batch.length >= BATCH_BYTES) flush();
      else if (!flushQueued) {
        flushQueued = true;
        process.nextTick(flush);
      }
      if (res.writableNeedDrain) await drained(res);
      if (!open) break;
    }
  } finally {
    flush();
    clearInterval(keepAlive);
    if (!res.writableEnded) res.end();
  }
}

function drained(res: ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      res.off("drain", done);
      res.off("close", done);
      resolve();
    };
    res.on("drain", done);
    res.on("close", done);
  });
}
