import { type IncomingMessage, type Server, type ServerResponse, createServer } from "node:http";
import { type AddressInfo } from "node:net";
import { resolve as resolvePath } from "node:path";
import bytes from "bytes";
import express, { type Express, Router } from "express";
import { type Logger } from "pino";
import { DEFAULT_LOGIN_RATE_LIMIT, type LoginRateLimit, LoginRateLimiter } from "../auth/login-rate-limiter";
import { MemoryAuthStateStore } from "../auth/oidc/memory-auth-state-store";
import { type AuthMethod, authMethods } from "../auth/oidc/multi-authentication-backend";
import { PendingSignIns } from "../auth/oidc/pending-sign-ins";
import { sessionCookieName } from "../auth/session-cookie";
import { DEFAULT_SESSION_TTL_MS } from "../auth/session-store";
import { checkForms } from "../interface/chat-config";
import { ChatInterface } from "../interface/chat-interface";
import { type StateSigner, defaultStateSigner } from "../state/state-signing";
import { storesForApi } from "../stores/api-stores";
import { type PostgresOptions } from "../stores/postgres/postgres-options";
import { notReadyReason } from "../stores/readiness";
import { type ServerStores } from "../stores/server-stores";
import { type FetchRequestOptions, fromFetchRequest, toFetchResponse } from "./adapters/fetch-adapter";
import { fromNodeRequest, writeNodeResponse } from "./adapters/node-adapter";
import { type ApiContext, SERVER_SHUTDOWN } from "./api-context";
import { ApiHandler } from "./api-handler";
import { ConnectionTracker } from "./connection-tracker";
import { waitForTurns } from "./drain-turns";
import { type ContentSecurityPolicy, defaultContentSecurityPolicy } from "./http/security-headers";
import { createLogger } from "./logger";
import { describeModelProblem, findModelProblems } from "./model-configuration";
import { ThemeFileError, readThemeCss } from "./theme-file";
import { assertOpenAIExposure } from "./routes/openai/loopback-host";
import { type ResumableTurnLimits, TurnRegistry } from "./turns/turn-registry";
import { type OpenAICompatibleConfig, type OpenAICompatibleOptions, resolveOpenAICompatible } from "./routes/openai/openai-compatible-options";
import { defaultUiBuildDir } from "./ui-files";
import { loadOpenTelemetryApi } from "../telemetry/open-telemetry-api";
import { type StartedTelemetry } from "../telemetry/start-open-telemetry";
import { type TelemetryOptions, applyTelemetryOptions } from "../telemetry/telemetry-options";

export interface RagbitsAPIOptions {
  /** Origins allowed to call the API from a browser. None by default: no CORS headers at all. */
  corsOrigins?: string[] | undefined;
  /** A UI build to serve instead of the built-in one. */
  uiBuildDir?: string | undefined;
  /**
   * The Content-Security-Policy header on every answer, or `false` to send none. Default: STRICT_CSP
   * for the built-in UI (no inline script or style, no foreign connections); RELAXED_CSP when
   * `uiBuildDir` serves another build, which a strict policy would break (`new Function` validators,
   * inline theme styles, CDN fonts and icons). Pass STRICT_CSP to keep a custom UI strict.
   */
  contentSecurityPolicy?: ContentSecurityPolicy | undefined;
  /** Show error details in `error` events and the UI's debug panel. */
  debugMode?: boolean | undefined;
  /**
   * Turns on sign-in: a password backend (`ListAuthentication`, or your own), an OAuth2 / OpenID
   * Connect provider (`googleProvider()`, `new OpenIdConnectProvider({...})`…), or several in a
   * `MultiAuthenticationBackend`.
   */
  auth?: AuthMethod | undefined;
  /**
   * This server's public URL (default RAGBITS_BASE_URL), e.g. `https://chat.example.com` or, mounted
   * under a path, `https://example.com/chat`: OAuth2 callback URLs are `<baseUrl>/api/auth/callback/<provider>`.
   * Without it, only requests to a loopback address (development) can start an OAuth2 sign-in.
   */
  baseUrl?: string | undefined;
  /**
   * Served at /api/theme: a CSS file, or a HeroUI theme JSON (the format Python Ragbits' `--theme`
   * takes), converted to the UI's CSS variables. An unusable JSON theme fails `setup()`.
   */
  themePath?: string | undefined;
  /** Largest JSON body accepted: bytes, or a string such as "1mb". Default "1mb". */
  bodyLimit?: string | number | undefined;
  /** Largest upload accepted, in bytes. Default 10 MB. */
  uploadLimitBytes?: number | undefined;
  /** Comment sent on silent streams after this long. Default 15 000 ms. */
  keepAliveMs?: number | undefined;
  /** Signs conversation state. Default: keyed by RAGBITS_SECRET_KEY. */
  stateSigner?: StateSigner | undefined;
  logger?: Logger | undefined;
  sessionTtlMs?: number | undefined;
  /** Session cookie only over HTTPS. Default: true when NODE_ENV=production. */
  secureCookies?: boolean | undefined;
  loginRateLimit?: LoginRateLimit | undefined;
  /**
   * Where sessions, login limits, conversation history and feedback live, so replicas share them:
   * `postgres://…` / `postgresql://…` (many replicas behind a load balancer) or `sqlite:<path>` (one
   * machine). Default: RAGBITS_DATABASE_URL, else memory (one process). The ChatInterface's own
   * `historyPersistence` still wins for history. With a database, RAGBITS_SECRET_KEY (the same on
   * every replica) or `stateSigner` is required.
   */
  databaseUrl?: string | undefined;
  /** PostgreSQL settings: pool size, connection and statement timeouts, TLS, the retry queue. */
  database?: PostgresOptions | undefined;
  /** Your own stores (sessions, login limits, history): wins over `databaseUrl`. */
  stores?: ServerStores | undefined;
  /**
   * Also serve the chat as an OpenAI chat-completions model: POST /v1/chat/completions and
   * GET /v1/models, for any OpenAI client (docs/openai-compatible.md). `true` or options; protect
   * it with `apiKeys` unless it listens on loopback only (`run()` refuses other hosts without keys).
   */
  openaiCompatible?: boolean | OpenAICompatibleOptions | undefined;
  /**
   * OpenTelemetry (docs/observability.md). Turns, model calls and tool runs are traced whenever an
   * SDK is registered. `true`: start the OpenTelemetry Node SDK at setup, configured by the OTEL_*
   * variables (needs `@opentelemetry/api` and `@opentelemetry/sdk-node`); `false`: never start it.
   * Default: started when that environment is set (OTEL_EXPORTER_OTLP_ENDPOINT, OTEL_SERVICE_NAME, …)
   * and the app registered no provider of its own. `{ captureContent: true }` also records prompts
   * and answers on spans.
   */
  telemetry?: boolean | TelemetryOptions | undefined;
  /**
   * For clients that announce they can resume (`X-Ragbits-Resumable: 1`, as `@ragbits/chat/client`
   * and the built-in UI do): how long an answer keeps generating after its connection dropped,
   * waiting for the client to re-attach, before it is stopped like a disconnect (ms, default 30 000).
   */
  resumeGraceMs?: number | undefined;
  /** Bounds of the events kept for resumable answers (per turn, in total, retention after the end). */
  resumableTurns?: Omit<ResumableTurnLimits, "graceMs"> | undefined;
}

export interface RunOptions {
  /** Default "127.0.0.1". */
  host?: string | undefined;
  /** Default 8000; 0 picks a free port. */
  port?: number | undefined;
  /** Leave out the "Ragbits chat is running" log line (when you announce the URL yourself). */
  quiet?: boolean | undefined;
}

export interface RunningServer {
  url: string;
  server: Server;
  /**
   * Stops accepting connections, lets streams in flight finish for up to `graceMs` (default 0), ends
   * the rest, and resolves once the server and its stores are closed.
   */
  close(options?: CloseOptions): Promise<void>;
}

export interface CloseOptions {
  /** How long answers still streaming may take to finish before they are cut (ms, default 0). */
  graceMs?: number | undefined;
}

/** After the abort, how long close() waits for the cut turns to end and save their interactions. */
const TURN_END_MS = 2_000;

export type { FetchRequestOptions };

type ChatSource = ChatInterface | (new () => ChatInterface);

/**
 * Serves a ChatInterface: the Ragbits-compatible HTTP API, SSE streaming and the web UI. One
 * transport-neutral handler behind thin adapters:
 * - `.fetch(request)`: web-standard `Request` → `Response` (Next.js route handlers, Hono, Bun, Deno);
 * - `.run()`: a standalone Node server (Express); `.app`: that Express app; `.router()`: the same
 *   routes to mount in your own Express app; `.handleNode(req, res)`: any node:http server.
 */
export class RagbitsAPI {
  readonly chat: ChatInterface;
  readonly logger: Logger;
  private readonly context: ApiContext;
  private readonly handler: ApiHandler;
  /** Sessions, login limits and (with a database) history and feedback. */
  readonly stores: ServerStores;
  private readonly openaiCompatible: OpenAICompatibleConfig | undefined;
  private expressApp: Express | undefined;
  private setupPromise: Promise<void> | undefined;
  private readonly telemetryOption: boolean | TelemetryOptions | undefined;
  private telemetry: Promise<StartedTelemetry | undefined> | undefined;

  constructor(chat: ChatSource, options: RagbitsAPIOptions = {}) {
    const debugMode = options.debugMode ?? false;
    this.logger = options.logger ?? createLogger(debugMode);
    // First: a database without a shared secret key is refused before anything else starts.
    this.stores = storesForApi(options, this.logger);
    // The first user of the process-wide signer decides where its "no RAGBITS_SECRET_KEY" warning goes.
    if (!options.stateSigner) defaultStateSigner((message) => this.logger.warn(message));
    this.chat = instantiate(chat);
    if (options.stateSigner) this.chat.stateSigner = options.stateSigner;
    // The app's own history persistence wins; otherwise the database's history, if there is one.
    if (!this.chat.historyPersistence && this.stores.history) this.chat.historyPersistence = this.stores.history;
    const bodyLimit = options.bodyLimit ?? "1mb";
    this.context = {
      chat: this.chat,
      logger: this.logger,
      signer: this.chat.stateSigner,
      debugMode,
      bodyLimit: { bytes: typeof bodyLimit === "number" ? bodyLimit : parseByteSize(bodyLimit), label: bodyLimit },
      uploadLimitBytes: options.uploadLimitBytes ?? 10 * 1024 * 1024,
      keepAliveMs: options.keepAliveMs ?? 15_000,
      themePath: options.themePath,
      auth: options.auth ? createAuthContext(options.auth, options, this.stores, this.logger) : undefined,
      activeTurns: new Set(),
      turns: new TurnRegistry({ ...options.resumableTurns, graceMs: options.resumeGraceMs }, (error, message, details) => this.logger.error({ err: error, ...details }, message), this.stores.turnRelay),
      stores: this.stores,
      notReadyReason: () =>
        notReadyReason({ shuttingDown: this.context.lifecycle.shuttingDown, setup: () => this.setup(), stores: this.stores, history: this.chat.historyPersistence }),
      lifecycle: { shuttingDown: false },
    };
    this.openaiCompatible = resolveOpenAICompatible(options.openaiCompatible);
    this.telemetryOption = options.telemetry;
    this.handler = new ApiHandler(this.context, {
      ...(this.openaiCompatible ? { openaiCompatible: this.openaiCompatible } : {}),
      corsOrigins: options.corsOrigins,
      contentSecurityPolicy: options.contentSecurityPolicy ?? defaultContentSecurityPolicy(isCustomUi(options.uiBuildDir)),
      uiBuildDir: options.uiBuildDir ?? defaultUiBuildDir(),
      ready: () => this.setup(),
    });
    this.fetch = this.fetch.bind(this);
    this.handleNode = this.handleNode.bind(this);
  }

  /**
   * The whole API as a web-standard handler: `export const { GET, POST } = ...` in a Next.js route,
   * `app.mount("/", api.fetch)` in Hono, `Bun.serve({ fetch: api.fetch })`, `Deno.serve(api.fetch)`.
   * The request's AbortSignal is the client: when it aborts, the turn and its model call stop.
   * The second argument is optional: `{ basePath, remoteAddress }`, or whatever your runtime passes
   * its fetch handler (the client address is read from Hono's Node env, Deno's info and Bun's server).
   */
  async fetch(request: Request, options?: FetchRequestOptions | object): Promise<Response> {
    const response = await this.handler.handle(fromFetchRequest(request, options));
    return toFetchResponse(response, request);
  }

  /** Answers one node:http request (any Node server or framework that exposes `req`/`res`). */
  async handleNode(req: IncomingMessage, res: ServerResponse): Promise<void> {
    await writeNodeResponse(await this.handler.handle(fromNodeRequest(req, res)), res);
  }

  /** A complete Express app: security headers, CORS (when configured), the API and the UI. */
  get app(): Express {
    if (!this.expressApp) {
      const app = express();
      app.disable("x-powered-by");
      app.set("trust proxy", false);
      app.use(this.router());
      this.expressApp = app;
    }
    return this.expressApp;
  }

  /** The same routes as `.app`, to mount in an existing Express app (mount at the root for the UI to find /api). */
  router(): Router {
    const router = Router();
    router.use((req, res, next) => {
      this.handleNode(req, res).catch(next);
    });
    return router;
  }

  /**
   * Runs `chat.setup()` once, checks the chat's forms (a schema the UI cannot use throws
   * FormSchemaError), the theme file (ThemeFileError) and models (one warning per model that lacks a
   * key or endpoint), and opens the history store; `run()` awaits it before listening.
   */
  setup(): Promise<void> {
    this.setupPromise ??= (async () => {
      // The database first: its schema is migrated before the app or any request uses it.
      await this.stores.open();
      // Other replicas' stop requests reach this one from now on (with PostgreSQL).
      await this.context.turns.open();
      // Before the app's own setup, whose model calls are traced too.
      await (this.telemetry ??= applyTelemetryOptions(this.telemetryOption, this.logger));
      // Loaded now, so that the first turn is traced.
      await loadOpenTelemetryApi();
      await this.chat.setup();
      checkForms(this.chat);
      await this.checkTheme();
      this.warnAboutUnconfiguredModels();
      await this.chat.historyPersistence?.open?.();
    })().catch((error: unknown) => {
      // Not cached: a database that was down at start-up is tried again by the next request.
      this.setupPromise = undefined;
      throw error;
    });
    return this.setupPromise;
  }

  /** A theme file that cannot be converted (invalid HeroUI JSON) fails the start, like a wrong form. */
  private async checkTheme(): Promise<void> {
    if (!this.context.themePath) return;
    try {
      await readThemeCss(this.context.themePath);
    } catch (error) {
      // A file that cannot be read is /api/theme's 404 (logged there), as before.
      if (ThemeFileError.isInstance(error)) throw error;
    }
  }

  /** A missing provider key is said once, at start, not discovered by the first user who asks. */
  private warnAboutUnconfiguredModels(): void {
    const chatName = this.chat.constructor.name || "chat";
    for (const problem of findModelProblems(this.chat)) {
      this.logger.warn({ field: problem.field, provider: problem.provider, model: problem.model }, describeModelProblem(chatName, problem));
    }
  }

  async run({ host = "127.0.0.1", port = 8000, quiet = false }: RunOptions = {}): Promise<RunningServer> {
    // A keyless OpenAI-compatible endpoint on a reachable address would let anyone spend the model budget.
    assertOpenAIExposure(this.openaiCompatible, host);
    await this.setup();
    const server = createServer(this.app);
    const connections = new ConnectionTracker(server);
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(port, host, () => {
        server.off("error", reject);
        resolve();
      });
    });
    const address = server.address() as AddressInfo;
    const url = `http://${address.family === "IPv6" ? `[${address.address}]` : address.address}:${address.port}`;
    if (!quiet) this.logger.info({ url }, "Ragbits chat is running");
    return { url, server, close: (options) => this.closeServer(server, connections, options) };
  }

  /**
   * Shuts the API down: from now on /api/ready answers 503 and new API requests are refused (503);
   * answers still streaming may finish for up to `graceMs` (default 0); then every turn left is ended
   * (its client gets an `error` event saying the server is shutting down) and saved, and the stores
   * are closed. `run()`'s `close()` calls it; call it yourself when you serve `.fetch` or `.router()`
   * from your own server.
   */
  async close({ graceMs = 0 }: CloseOptions = {}): Promise<void> {
    this.context.lifecycle.shuttingDown = true;
    await waitForTurns(this.context.activeTurns, graceMs);
    for (const controller of this.context.activeTurns) controller.abort(SERVER_SHUTDOWN);
    // The cut turns save their partial answers as they end: the stores close after that.
    await waitForTurns(this.context.activeTurns, TURN_END_MS);
    await this.context.turns.close();
    await this.stores.close();
    // Last: the spans of the turns that just ended are exported before the process goes.
    await (await this.telemetry?.catch(() => undefined))?.shutdown();
  }

  private async closeServer(server: Server, connections: ConnectionTracker, options?: CloseOptions): Promise<void> {
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    // Keep-alive connections with nothing in flight go now; the others once their answer is done.
    connections.closeIdle();
    await this.close(options);
    // Streams end as their turns see the abort; anything still open after a grace period is cut.
    const timer = setTimeout(() => server.closeAllConnections(), 2_000).unref();
    await closed;
    clearTimeout(timer);
  }
}

function createAuthContext(auth: AuthMethod, options: RagbitsAPIOptions, stores: ServerStores, logger: Logger): ApiContext["auth"] {
  const ttl = options.sessionTtlMs ?? DEFAULT_SESSION_TTL_MS;
  const { credentials, providers } = authMethods(auth);
  // Stores of your own from before sign-in providers existed keep started sign-ins in memory: one process only.
  if (providers.size > 0 && !stores.authStates && stores.kind !== "memory") {
    logger.warn("the stores have no authStates: started OAuth2 sign-ins are kept in this process's memory, so a callback that reaches another replica fails");
  }
  return {
    backend: credentials,
    providers,
    pendingSignIns: new PendingSignIns(stores.authStates ?? new MemoryAuthStateStore()),
    baseUrl: baseUrl(options.baseUrl ?? process.env.RAGBITS_BASE_URL),
    sessions: stores.sessions,
    limiter: new LoginRateLimiter(options.loginRateLimit ?? DEFAULT_LOGIN_RATE_LIMIT, stores.loginAttempts),
    cookie: { name: sessionCookieName(), secure: options.secureCookies ?? process.env.NODE_ENV === "production", maxAgeMs: ttl },
  };
}

/** The public URL without its trailing slash; anything but an http(s) URL is refused at start-up. */
function baseUrl(value: string | undefined): string | undefined {
  const trimmed = value?.trim();
  if (!trimmed) return undefined;
  let url: URL;
  try {
    url = new URL(trimmed);
  } catch {
    throw new TypeError(`baseUrl (RAGBITS_BASE_URL): "${trimmed}" is not a URL`);
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") throw new TypeError(`baseUrl (RAGBITS_BASE_URL): "${trimmed}" is not an http(s) URL`);
  if (url.search || url.hash) throw new TypeError(`baseUrl (RAGBITS_BASE_URL): "${trimmed}" must not have a query or fragment`);
  return `${url.origin}${url.pathname}`.replace(/\/+$/, "");
}

function parseByteSize(value: string): number {
  const parsed = bytes.parse(value);
  if (parsed === null || !Number.isFinite(parsed) || parsed <= 0) throw new TypeError(`bodyLimit: "${value}" is not a size (use bytes or a string such as "1mb")`);
  return parsed;
}

/** A UI build other than the one this package ships (pointing `uiBuildDir` at that one changes nothing). */
function isCustomUi(uiBuildDir: string | undefined): boolean {
  return uiBuildDir !== undefined && resolvePath(uiBuildDir) !== resolvePath(defaultUiBuildDir());
}

function instantiate(chat: ChatSource): ChatInterface {
  if (ChatInterface.isChatInterface(chat)) return chat;
  if (ChatInterface.isChatInterfaceClass(chat)) return new chat();
  throw new TypeError("RagbitsAPI needs a ChatInterface subclass or instance");
}
