/**
 * The upstream: a lean OpenAI-compatible chat-completions server in its own process, so its work
 * never counts against the process being measured. Answers are pre-encoded once per shape (see
 * openai-frames.ts) and the request body is drained, not parsed: serving a stream costs only
 * writes. The bench reshapes it between runs over IPC (`configure`).
 */
import { type IncomingMessage, type ServerResponse, createServer } from "node:http";
import { type AddressInfo } from "node:net";
import { serveParent } from "../process/serve-parent";
import { type EncodedAnswer, encodeAnswer } from "./openai-frames";
import { DEFAULT_SHAPE, type StreamShape } from "./stream-shape";

const CHAT_PATH = "/v1/chat/completions";
const HEADERS = { "content-type": "text/event-stream; charset=utf-8", "cache-control": "no-cache", "x-request-id": "req_bench" };

export interface UpstreamStats {
  /** Streams started and not yet finished or abandoned. */
  openStreams: number;
  served: number;
  /** Streams the client closed before they ended. */
  clientAborts: number;
  /** TCP connections accepted: far fewer than `served` when clients reuse keep-alive connections. */
  connections: number;
}

let shape: StreamShape = DEFAULT_SHAPE;
let answer: EncodedAnswer = encodeAnswer(shape);
const stats: UpstreamStats = { openStreams: 0, served: 0, clientAborts: 0, connections: 0 };

const server = createServer({ keepAliveTimeout: 60_000, requestTimeout: 0, headersTimeout: 60_000, noDelay: true }, (req, res) => {
  if (req.method !== "POST" || req.url !== CHAT_PATH) {
    res.writeHead(404, { "content-type": "application/json" }).end('{"error":{"message":"not found","type":"invalid_request_error"}}');
    return;
  }
  // Answer once the request is fully read, as a real server does (and as keep-alive requires).
  req.on("end", () => respond(req, res, answer, shape));
  req.resume();
});

server.on("connection", () => stats.connections++);

function respond(_req: IncomingMessage, res: ServerResponse, current: EncodedAnswer, { delayMs, hold }: StreamShape): void {
  stats.served++;
  stats.openStreams++;
  res.once("close", () => {
    stats.openStreams--;
    if (!res.writableFinished) stats.clientAborts++;
  });
  res.writeHead(200, HEADERS);
  if (hold) {
    res.write(current.head);
    return;
  }
  if (delayMs <= 0 || current.body.length === 0) {
    res.end(delayMs <= 0 ? current.whole : Buffer.concat([current.head, current.tail]));
    return;
  }
  res.write(current.head);
  let next = 0;
  // One timer per stream, refreshed rather than re-created: streams stay spread out in time as
  // real ones are, instead of all ticking together.
  const timer = setTimeout(() => {
    res.write(current.body[next++]);
    if (next < current.body.length) timer.refresh();
    else res.end(current.tail);
  }, delayMs);
  res.once("close", () => clearTimeout(timer));
}

server.listen({ host: "127.0.0.1", port: 0, backlog: 4096 }, () => {
  const { port } = server.address() as AddressInfo;
  serveParent(
    {
      configure(next: Partial<StreamShape>): StreamShape {
        shape = { ...DEFAULT_SHAPE, ...next };
        answer = encodeAnswer(shape);
        return shape;
      },
      stats: (): UpstreamStats => ({ ...stats }),
    },
    { origin: `http://127.0.0.1:${port}` },
  );
});
