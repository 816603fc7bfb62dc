import { type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { type Socket } from "node:net";
import { performance } from "node:perf_hooks";
import { LiteLLM, type LLMSettings } from "@ragbits/core";
import { AnthropicMockServer, type MockUpstreamServer, OllamaMockServer, OpenAIMockServer } from "@ragbits/core/testing";
import { SENTINEL_KEYS } from "./sentinel-keys";

/** Short backoff and timeouts, so fault cases stay fast; each case may override them. */
export const FAST_LLM: LLMSettings = { maxRetries: 2, retryPolicy: { initialDelayMs: 5, maxDelayMs: 20 }, timeoutMs: 5_000, idleTimeoutMs: 5_000 };

/**
 * One provider's wire format, reached the way an app reaches it: `LiteLLM` with the model name,
 * the key from the environment (the sentinel) and only the base URL given in code.
 */
export interface UpstreamProvider {
  name: "openai" | "azure" | "anthropic" | "ollama";
  /** A mock upstream that demands the provider's sentinel key (Ollama takes none). */
  start(): Promise<MockUpstreamServer>;
  createLLM(baseOrigin: string, settings?: LLMSettings): LiteLLM;
  /** ollama-js skips a line it cannot parse (documented in @ragbits/core's README); the others fail the stream. */
  malformedFrame: "error" | "skipped";
}

export const PROVIDERS: UpstreamProvider[] = [
  {
    name: "openai",
    start: () => OpenAIMockServer.start({ apiKey: SENTINEL_KEYS.OPENAI_API_KEY }),
    createLLM: (origin, settings) => new LiteLLM({ modelName: "gpt-4o-mini", baseUrl: `${origin}/v1`, ...FAST_LLM, ...settings }),
    malformedFrame: "error",
  },
  {
    name: "azure",
    start: () => OpenAIMockServer.start({ apiKey: SENTINEL_KEYS.AZURE_API_KEY }),
    createLLM: (origin, settings) => new LiteLLM({ modelName: "azure/chat-deployment", baseUrl: origin, ...FAST_LLM, ...settings }),
    malformedFrame: "error",
  },
  {
    name: "anthropic",
    start: () => AnthropicMockServer.start({ apiKey: SENTINEL_KEYS.ANTHROPIC_API_KEY }),
    createLLM: (origin, settings) => new LiteLLM({ modelName: "claude-sonnet-5-5", baseUrl: origin, ...FAST_LLM, ...settings }),
    malformedFrame: "error",
  },
  {
    name: "ollama",
    start: () => OllamaMockServer.start(),
    createLLM: (origin, settings) => new LiteLLM({ modelName: "ollama/llama3.2", baseUrl: origin, ...FAST_LLM, ...settings }),
    malformedFrame: "skipped",
  },
];

export interface UpstreamWatch {
  /** Connections the upstream had to close itself while a request on them was unfinished: a leak on the client side. */
  readonly reapedWithRequest: number;
  /** Idle connections (never used, or between requests) the upstream closed after `idleMs`. */
  readonly reapedIdle: number;
}

/**
 * Makes "no connection left open" checkable right after each case:
 * - responses tell clients not to keep the connection (`Keep-Alive: timeout=0`, which Node sends when
 *   `keepAliveTimeout` < 1 s), so nothing waits in the client pool for its 4 s idle timeout;
 * - a connection silent for `idleMs` is closed by the upstream. Node's fetch (undici) opens a spare
 *   connection after an aborted request and keeps it idle for ~4 s; that one is harmless and is
 *   reaped. A connection whose request is still unfinished is counted in `reapedWithRequest`: the
 *   client forgot it, which is exactly the leak the tests look for. Keep client timeouts below `idleMs`.
 */
export function watchUpstream(upstream: MockUpstreamServer, idleMs = 1_000): UpstreamWatch {
  const server = httpServerOf(upstream);
  server.keepAliveTimeout = 500;
  server.timeout = idleMs;
  const unfinished = new WeakMap<Socket, number>();
  const watch = { reapedWithRequest: 0, reapedIdle: 0 };
  server.on("request", (req: IncomingMessage, res: ServerResponse) => {
    const socket = req.socket;
    unfinished.set(socket, (unfinished.get(socket) ?? 0) + 1);
    res.once("close", () => unfinished.set(socket, (unfinished.get(socket) ?? 1) - 1));
  });
  // With a listener, Node leaves the timed-out socket to us.
  server.on("timeout", (socket: Socket) => {
    if ((unfinished.get(socket) ?? 0) > 0) watch.reapedWithRequest++;
    else watch.reapedIdle++;
    socket.destroy();
  });
  return watch;
}

/** The raw HTTP server under a mock upstream, to observe each request's own lifetime. */
export function httpServerOf(upstream: MockUpstreamServer): Server {
  return (upstream as unknown as { server: Server }).server;
}

/** Responses the mock upstream has neither finished nor seen closed by the client. */
export function responsesInFlight(upstream: MockUpstreamServer): number {
  return upstream.requests.length - upstream.completedResponses - upstream.clientAborts;
}

/** One upstream request's life, seen by the upstream server. */
export interface UpstreamLifetime {
  /** performance.now() when the request arrived. */
  openedAt: number;
  /** performance.now() when its response ended or its connection closed. */
  closedAt?: number;
  /** The response was completed (not cut by the client). */
  finished: boolean;
  /** Set by the test (from the request body) to match the request with its client. */
  id?: string;
}

/**
 * Records when each upstream request opens and closes. `of(request.headers)` finds the lifetime of a
 * RecordedRequest (the mock passes Node's headers object through), e.g. inside a `defaultReply`.
 */
export class UpstreamLifetimes {
  readonly all: UpstreamLifetime[] = [];
  private readonly byHeaders = new WeakMap<object, UpstreamLifetime>();

  attach(upstream: MockUpstreamServer): void {
    httpServerOf(upstream).on("request", (req: IncomingMessage, res: ServerResponse) => {
      const lifetime: UpstreamLifetime = { openedAt: performance.now(), finished: false };
      this.all.push(lifetime);
      this.byHeaders.set(req.headers, lifetime);
      res.once("finish", () => (lifetime.finished = true));
      res.once("close", () => (lifetime.closedAt = performance.now()));
    });
  }

  of(headers: object): UpstreamLifetime | undefined {
    return this.byHeaders.get(headers);
  }

  get open(): number {
    return this.all.filter((lifetime) => lifetime.closedAt === undefined).length;
  }
}
