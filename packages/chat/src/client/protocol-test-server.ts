/**
 * TEST-ONLY: a loopback HTTP server that speaks PROTOCOL.md, for the client's tests. It is not part
 * of the client's entry point (which must stay free of Node modules). By default it answers
 * /api/chat as the framework does — `message_id`, `conversation_id`, `conversation_summary`, then the
 * scripted app events — verifies signed state, and answers /api/config and /api/feedback; a test
 * replaces any route to control the bytes on the wire.
 */
import { randomUUID } from "node:crypto";
import { type IncomingHttpHeaders, type IncomingMessage, type Server, type ServerResponse, createServer } from "node:http";
import { type AddressInfo } from "node:net";
import { type WireEvent } from "../protocol/chat-response";
import { StateSigner } from "../state/state-signing";

/** Signs state as the real server does (same canonical JSON), with a fixed test key. */
const signer = new StateSigner("protocol-test-secret");

export interface RecordedRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  /** The JSON body, parsed (undefined when empty). */
  body: any;
}

export type RouteHandler = (exchange: TestExchange) => void | Promise<void>;

/** The app's part of a chat turn: events to send after the framework's own. */
export type ChatScript = (request: RecordedRequest) => WireEvent[];

/** One request and its response, with helpers to write exactly what a test needs on the wire. */
export class TestExchange {
  /** Resolves when the connection closed before the response was complete: the client went away. */
  readonly clientGone: Promise<void>;

  constructor(
    readonly request: RecordedRequest,
    readonly res: ServerResponse,
  ) {
    this.clientGone = new Promise((resolve) => res.once("close", () => !res.writableFinished && resolve()));
  }

  /** The headers PROTOCOL.md requires, sent at once. */
  startEventStream(): void {
    this.res.writeHead(200, { "content-type": "text/event-stream; charset=utf-8", "cache-control": "no-cache, no-transform", "x-accel-buffering": "no" });
    this.res.flushHeaders();
    this.res.socket?.setNoDelay(true);
  }

  /** One event: `data: <JSON>` and a blank line. */
  send(event: WireEvent): Promise<void> {
    return this.write(`data: ${JSON.stringify(event)}\n\n`);
  }

  /** Writes bytes as they are (resolves once flushed to the socket). */
  write(chunk: string | Uint8Array): Promise<void> {
    return new Promise((resolve, reject) => this.res.write(chunk, (error) => (error ? reject(error) : resolve())));
  }

  /** Writes one byte per write, pausing between them, so the client receives the text cut everywhere. */
  async writeBytewise(text: string): Promise<void> {
    for (const byte of new TextEncoder().encode(text)) {
      await this.write(Uint8Array.of(byte));
      await pause(1);
    }
  }

  end(): void {
    this.res.end();
  }

  json(status: number, body: unknown): void {
    this.res.writeHead(status, { "content-type": "application/json" });
    this.res.end(JSON.stringify(body));
  }
}

export class ProtocolTestServer {
  readonly requests: RecordedRequest[] = [];
  /** Every exchange, in arrival order (to await `clientGone`). */
  readonly exchanges: TestExchange[] = [];
  private readonly routes = new Map<string, RouteHandler>();
  private chatScript: ChatScript = () => [];

  private constructor(
    private readonly server: Server,
    readonly url: string,
  ) {}

  static async start(): Promise<ProtocolTestServer> {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as AddressInfo;
    const instance = new ProtocolTestServer(server, `http://127.0.0.1:${port}`);
    server.on("request", (req, res) => void instance.handle(req, res));
    instance.route("POST", "/api/chat", (exchange) => instance.protocolChat(exchange));
    instance.route("GET", "/api/config", (exchange) => exchange.json(200, DEFAULT_CONFIG));
    instance.route("POST", "/api/feedback", (exchange) => exchange.json(200, { status: "success" }));
    return instance;
  }

  /** Replaces the handler of one route. */
  route(method: string, path: string, handler: RouteHandler): this {
    this.routes.set(`${method} ${path}`, handler);
    return this;
  }

  /** What the app yields in the default /api/chat. */
  scriptChat(script: ChatScript): this {
    this.chatScript = script;
    return this;
  }

  /** The exchange of the n-th request, once it has arrived. */
  async exchange(index: number): Promise<TestExchange> {
    while (!this.exchanges[index]) await pause(5);
    return this.exchanges[index];
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const request = await record(req);
    this.requests.push(request);
    const exchange = new TestExchange(request, res);
    this.exchanges.push(exchange);
    const handler = this.routes.get(`${request.method} ${request.path}`);
    try {
      if (handler) await handler(exchange);
      else exchange.json(404, { detail: "Not Found" });
    } catch {
      // The client went away mid-write; that is what some tests do.
      res.destroy();
    }
  }

  /** POST /api/chat as PROTOCOL.md describes it. */
  private async protocolChat(exchange: TestExchange): Promise<void> {
    const { body } = exchange.request;
    if (typeof body?.message !== "string") {
      exchange.json(422, { detail: [{ type: "missing", loc: ["body", "message"], msg: "Field required", input: body }], body });
      return;
    }
    const context = body.context ?? {};
    if (context.state !== undefined && !signer.verify(context.state, context.signature)) {
      exchange.json(400, { detail: "Invalid state signature" });
      return;
    }
    exchange.startEventStream();
    for (const event of [...frameworkEvents(body.message, context), ...this.chatScript(exchange.request)]) await exchange.send(event);
    exchange.end();
  }
}

/** The framework's events before the app's, per PROTOCOL.md. */
function frameworkEvents(message: string, context: Record<string, unknown>): WireEvent[] {
  const events: WireEvent[] = [];
  if (!context.message_id) events.push({ type: "message_id", content: { message_id: randomUUID() } });
  if (!context.conversation_id) {
    events.push({ type: "conversation_id", content: { conversation_id: randomUUID() } });
    const words = message.trim().split(/\s+/);
    events.push({ type: "conversation_summary", content: { summary: words.length <= 2 ? "New chat" : words.slice(0, 6).join(" ") } });
  }
  return events;
}

/** A signed `state_update` event, as the server's `createStateUpdate` sends it. */
export function stateUpdate(state: Record<string, unknown>): WireEvent {
  return { type: "state_update", content: { state, signature: signer.sign(state) } };
}

async function record(req: IncomingMessage): Promise<RecordedRequest> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString("utf8");
  return { method: req.method ?? "GET", path: (req.url ?? "/").split("?")[0] ?? "/", headers: req.headers, body: text ? JSON.parse(text) : undefined };
}

function pause(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

const DEFAULT_CONFIG = {
  feedback: { like: { enabled: false, form: null }, dislike: { enabled: false, form: null } },
  customization: null,
  user_settings: { form: null },
  supports_upload: false,
  debug_mode: false,
  conversation_history: false,
  show_usage: false,
  authentication: { enabled: false, auth_types: [], oauth2_providers: [] },
};
