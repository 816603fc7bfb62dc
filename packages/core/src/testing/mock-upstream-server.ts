import { once } from "node:events";
import { type IncomingHttpHeaders, type IncomingMessage, type Server, type ServerResponse, createServer } from "node:http";
import { type AddressInfo, type Socket } from "node:net";
import { setTimeout as sleep } from "node:timers/promises";
import { type MockReply } from "./mock-reply";

export interface RecordedRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  headers: IncomingHttpHeaders;
  /** The parsed JSON body (or the raw text when it was not JSON). */
  body: any;
  receivedAt: number;
}

export interface StreamFrames {
  frames: string[];
  firstContentFrame: number;
  terminatorFrames: number;
}

/** One provider's wire format: how requests are recognised and how replies are written. */
export interface WireFormat {
  readonly name: string;
  /** Recognises the provider's chat endpoint. */
  matches(method: string, pathname: string): boolean;
  /** Rejects what the real provider would reject before answering (missing key, missing version…). */
  validate?(request: RecordedRequest, server: MockUpstreamServer): { status: number; message: string } | undefined;
  isStreaming(body: any): boolean;
  readonly streamContentType: string;
  /** The stream's frames: the first content frame is `frames[firstContentFrame]`; the last `terminatorFrames` complete it. */
  streamFrames(reply: MockReply, request: RecordedRequest): StreamFrames;
  jsonBody(reply: MockReply, request: RecordedRequest): unknown;
  errorBody(status: number, message: string): unknown;
  /** A frame that looks like the provider's but carries invalid JSON. */
  malformedFrame(): string;
  /** The provider's error event inside a stream that has begun (for the `error-after-first-chunk` fault). */
  streamErrorFrame?(status: number, message: string): string;
  /** Headers every response carries (request ids). */
  responseHeaders?(sequence: number): Record<string, string>;
}

export interface MockUpstreamOptions {
  /** The reply when nothing is queued. A function receives the request, so replies can depend on it. */
  defaultReply?: MockReply | ((request: RecordedRequest) => MockReply);
  /** When set, requests must carry this key (each provider checks its own header) or get a 401. */
  apiKey?: string;
  /** Keep the bodies of requests in `requests` (default true; turn off for long benchmarks). */
  recordRequests?: boolean;
}

const DEFAULT_REPLY: MockReply = { text: ["Hello", " from", " the", " mock", " upstream."] };

/**
 * A real HTTP server on 127.0.0.1 that speaks a provider's wire format, for testing through the
 * official SDKs without the internet. Queue replies with `enqueue`, inspect `requests`, and watch
 * `clientAborts` to see whether a client really closed its connection.
 */
export class MockUpstreamServer {
  readonly requests: RecordedRequest[] = [];
  /** Responses the client closed before they ended. */
  clientAborts = 0;
  /** Responses that were completed. */
  completedResponses = 0;
  readonly apiKey: string | undefined;

  private readonly server: Server;
  private readonly queue: MockReply[] = [];
  private readonly sockets = new Set<Socket>();
  private readonly abortWaiters: Array<() => void> = [];
  private sequence = 0;
  private port = 0;

  constructor(
    readonly format: WireFormat,
    private readonly options: MockUpstreamOptions = {},
  ) {
    this.apiKey = options.apiKey;
    // A client that leaves mid-request makes reading the body fail: that request is simply over.
    this.server = createServer((req, res) => void this.handle(req, res).catch(() => res.destroy()));
    this.server.on("connection", (socket) => {
      socket.setNoDelay(true);
      this.sockets.add(socket);
      socket.on("close", () => this.sockets.delete(socket));
    });
  }

  async listen(port = 0): Promise<this> {
    this.server.listen(port, "127.0.0.1");
    await once(this.server, "listening");
    this.port = (this.server.address() as AddressInfo).port;
    return this;
  }

  /** http://127.0.0.1:PORT */
  get origin(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** Queues replies, answered one per request in order; afterwards the default reply is used. */
  enqueue(...replies: MockReply[]): this {
    this.queue.push(...replies);
    return this;
  }

  get lastRequest(): RecordedRequest | undefined {
    return this.requests[this.requests.length - 1];
  }

  /** Connections currently open to this server. */
  get openConnections(): number {
    return this.sockets.size;
  }

  /** Resolves once a client has closed a response before it ended (at once if that already happened). */
  waitForClientAbort(timeoutMs = 2_000): Promise<void> {
    if (this.clientAborts > 0) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no client closed its connection within ${timeoutMs} ms`)), timeoutMs);
      this.abortWaiters.push(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  /** Waits until no connection is open (keep-alive sockets included). */
  async waitForNoConnections(timeoutMs = 2_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (this.sockets.size > 0) {
      if (Date.now() > deadline) throw new Error(`${this.sockets.size} connection(s) still open after ${timeoutMs} ms`);
      await sleep(10);
    }
  }

  async close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const sequence = ++this.sequence;
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    const request: RecordedRequest = {
      method: req.method ?? "GET",
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      headers: req.headers,
      body: await readBody(req),
      receivedAt: Date.now(),
    };
    if (this.options.recordRequests !== false) this.requests.push(request);
    const headers = this.format.responseHeaders?.(sequence) ?? {};

    res.on("close", () => {
      if (res.writableFinished) return;
      this.clientAborts++;
      for (const wake of this.abortWaiters.splice(0)) wake();
    });
    res.on("finish", () => this.completedResponses++);

    if (!this.format.matches(request.method, request.path)) {
      return this.sendJson(res, 404, this.format.errorBody(404, `no route for ${request.method} ${request.path}`), headers);
    }
    const rejection = this.format.validate?.(request, this);
    if (rejection) return this.sendJson(res, rejection.status, this.format.errorBody(rejection.status, rejection.message), headers);

    const reply = this.nextReply(request);
    Object.assign(headers, reply.headers);
    if (reply.status && reply.status >= 400) {
      return this.sendJson(res, reply.status, this.format.errorBody(reply.status, reply.errorMessage ?? `mock error ${reply.status}`), headers);
    }
    if (reply.fault === "reset-before-headers") return void req.socket.destroy();
    if (reply.fault === "stall-before-first-byte") return;

    if (this.format.isStreaming(request.body)) return this.stream(res, reply, request, headers);
    return this.sendJson(res, 200, this.format.jsonBody(reply, request), headers, reply.byteChunkSize);
  }

  private nextReply(request: RecordedRequest): MockReply {
    const queued = this.queue.shift();
    if (queued) return queued;
    const fallback = this.options.defaultReply ?? DEFAULT_REPLY;
    return typeof fallback === "function" ? fallback(request) : fallback;
  }

  private async stream(res: ServerResponse, reply: MockReply, request: RecordedRequest, headers: Record<string, string>): Promise<void> {
    const { frames, firstContentFrame, terminatorFrames } = this.format.streamFrames(reply, request);
    let toSend = frames;
    if (reply.fault === "no-terminator") toSend = frames.slice(0, frames.length - terminatorFrames);
    if (reply.fault === "malformed-frame") toSend = frames.map((frame, index) => (index === firstContentFrame + 1 ? this.format.malformedFrame() : frame));
    if (reply.fault === "error-after-first-chunk" && this.format.streamErrorFrame) {
      const status = reply.streamErrorStatus ?? 500;
      toSend = [...frames.slice(0, firstContentFrame + 1), this.format.streamErrorFrame(status, reply.errorMessage ?? `mock stream error ${status}`)];
    }
    const resetAt = reply.fault === "reset-before-last-frame" ? toSend.length - 1 : undefined;

    res.writeHead(200, { "content-type": this.format.streamContentType, "cache-control": "no-cache", ...headers });
    res.flushHeaders();
    for (let index = 0; index < toSend.length; index++) {
      if (index > 0 && reply.chunkDelayMs) await sleep(reply.chunkDelayMs);
      if (res.destroyed) return;
      if (index === resetAt) {
        await sleep(20);
        return void res.socket?.destroy();
      }
      await write(res, toSend[index]!, reply.byteChunkSize);
      // "After the first chunk" means after the first frame that carries content, not the metadata before it.
      if (index === firstContentFrame && reply.fault === "reset-after-first-chunk") {
        await sleep(20);
        return void res.socket?.destroy();
      }
      if (index === firstContentFrame && reply.fault === "stall-after-first-chunk") return;
    }
    res.end();
  }

  private async sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string>, byteChunkSize?: number): Promise<void> {
    const text = JSON.stringify(body);
    res.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(text), ...headers });
    await write(res, text, byteChunkSize);
    res.end();
  }
}

async function readBody(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString("utf8");
  if (text === "") return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** Writes respecting backpressure; with `byteChunkSize`, in small pieces that split characters. */
async function write(res: ServerResponse, text: string, byteChunkSize?: number): Promise<void> {
  if (!byteChunkSize) {
    if (!res.write(text)) await drained(res);
    return;
  }
  const bytes = Buffer.from(text, "utf8");
  for (let start = 0; start < bytes.length; start += byteChunkSize) {
    if (res.destroyed) return;
    if (!res.write(bytes.subarray(start, start + byteChunkSize))) await drained(res);
    await sleep(1);
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
