import { type Server, createServer } from "node:http";
import { type AddressInfo } from "node:net";
import cors from "cors";
import express, { type Express, Router } from "express";
import { type Logger } from "pino";
import { type AuthenticationBackend } from "../auth/authentication-backend";
import { DEFAULT_LOGIN_RATE_LIMIT, type LoginRateLimit, LoginRateLimiter } from "../auth/login-rate-limiter";
import { sessionCookieName } from "../auth/session-cookie";
import { DEFAULT_SESSION_TTL_MS, SessionStore } from "../auth/session-store";
import { ChatInterface } from "../interface/chat-interface";
import { type StateSigner, defaultStateSigner } from "../state/state-signing";
import { type ApiContext, SERVER_SHUTDOWN, awaitSetup, loadSession, requireSession } from "./api-context";
import { buildConfigResponse } from "./config-response";
import { ConnectionTracker } from "./connection-tracker";
import { HttpError, errorHandler } from "./http-error";
import { jsonBody } from "./json-body";
import { createLogger } from "./logger";
import { authRoutes } from "./routes/auth-routes";
import { chatRoute } from "./routes/chat-route";
import { feedbackRoute } from "./routes/feedback-route";
import { themeRoute } from "./routes/theme-route";
import { uploadRoute } from "./routes/upload-route";
import { defaultUiBuildDir, securityHeaders, uiRoutes } from "./ui-routes";

export interface RagbitsAPIOptions {
  /** Origins allowed to call the API from a browser. None by default: no CORS headers at all. */
  corsOrigins?: string[];
  /** A UI build to serve instead of the built-in one. */
  uiBuildDir?: string;
  /** Show error details in `error` events and the UI's debug panel. */
  debugMode?: boolean;
  /** Turns on credentials login (`ListAuthentication`, or your own backend). */
  auth?: AuthenticationBackend;
  /** A CSS file served at /api/theme. */
  themePath?: string;
  /** Largest JSON body accepted (express syntax). Default "1mb". */
  bodyLimit?: string | number;
  /** Largest upload accepted, in bytes. Default 10 MB. */
  uploadLimitBytes?: number;
  /** Comment sent on silent streams after this long. Default 15 000 ms. */
  keepAliveMs?: number;
  /** Signs conversation state. Default: keyed by RAGBITS_SECRET_KEY. */
  stateSigner?: StateSigner;
  logger?: Logger;
  sessionTtlMs?: number;
  /** Session cookie only over HTTPS. Default: true when NODE_ENV=production. */
  secureCookies?: boolean;
  loginRateLimit?: LoginRateLimit;
}

export interface RunOptions {
  /** Default "127.0.0.1". */
  host?: string;
  /** Default 8000; 0 picks a free port. */
  port?: number;
}

export interface RunningServer {
  url: string;
  server: Server;
  /** Stops accepting connections, ends streams in flight, and resolves once the server is closed. */
  close(): Promise<void>;
}

type ChatSource = ChatInterface | (new () => ChatInterface);

/**
 * Serves a ChatInterface: the Ragbits-compatible HTTP API, SSE streaming and the web UI.
 * Use `.run()` for a standalone server, `.app` as an Express app, or `.router()` inside your own app.
 */
export class RagbitsAPI {
  readonly chat: ChatInterface;
  readonly logger: Logger;
  private readonly context: ApiContext;
  private readonly options: RagbitsAPIOptions;
  private expressApp: Express | undefined;
  private setupPromise: Promise<void> | undefined;

  constructor(chat: ChatSource, options: RagbitsAPIOptions = {}) {
    const debugMode = options.debugMode ?? false;
    this.logger = options.logger ?? createLogger(debugMode);
    // The first user of the process-wide signer decides where its "no RAGBITS_SECRET_KEY" warning goes.
    if (!options.stateSigner) defaultStateSigner((message) => this.logger.warn(message));
    this.chat = instantiate(chat);
    if (options.stateSigner) this.chat.stateSigner = options.stateSigner;
    this.options = options;
    this.context = {
      chat: this.chat,
      logger: this.logger,
      signer: this.chat.stateSigner,
      debugMode,
      bodyLimit: options.bodyLimit ?? "1mb",
      uploadLimitBytes: options.uploadLimitBytes ?? 10 * 1024 * 1024,
      keepAliveMs: options.keepAliveMs ?? 15_000,
      themePath: options.themePath,
      auth: options.auth ? this.createAuthContext(options.auth) : undefined,
      activeTurns: new Set(),
      ready: () => this.setup(),
    };
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
    const { context } = this;
    const body = jsonBody(context.bodyLimit);
    router.use(securityHeaders());
    if (this.options.corsOrigins?.length) router.use(cors({ origin: this.options.corsOrigins, credentials: true, maxAge: 600 }));
    router.use("/api", awaitSetup(context), loadSession(context));
    router.get("/api/config", (_req, res) => {
      res.json(buildConfigResponse(context.chat, { debugMode: context.debugMode, authEnabled: context.auth !== undefined }));
    });
    router.post("/api/chat", requireSession(context), ...body, chatRoute(context));
    router.post("/api/feedback", requireSession(context), ...body, feedbackRoute(context));
    router.post("/api/upload", requireSession(context), ...uploadRoute(context));
    router.get("/api/theme", themeRoute(context));
    router.use(authRoutes(context, body));
    // Case-insensitive, like Express's own routing: /API/nope is an unknown API path too.
    router.all(/^\/api(?:\/.*)?$/i, (req) => {
      throw new HttpError(404, `Not found: ${req.method} ${req.path}`);
    });
    router.use(uiRoutes(this.options.uiBuildDir ?? defaultUiBuildDir()));
    router.use((req) => {
      throw new HttpError(404, `Not found: ${req.method} ${req.path}`);
    });
    router.use(errorHandler(this.logger, context.bodyLimit));
    return router;
  }

  /** Runs `chat.setup()` once and opens the history store; `run()` awaits it before listening. */
  setup(): Promise<void> {
    this.setupPromise ??= (async () => {
      await this.chat.setup();
      await this.chat.historyPersistence?.open?.();
    })();
    return this.setupPromise;
  }

  async run({ host = "127.0.0.1", port = 8000 }: RunOptions = {}): Promise<RunningServer> {
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
    this.logger.info({ url }, "Ragbits chat is running");
    return { url, server, close: () => this.close(server, connections) };
  }

  private async close(server: Server, connections: ConnectionTracker): Promise<void> {
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    for (const controller of this.context.activeTurns) controller.abort(SERVER_SHUTDOWN);
    connections.closeIdle();
    // Streams end as their turns see the abort; anything still open after a grace period is cut.
    const timer = setTimeout(() => server.closeAllConnections(), 2_000).unref();
    await closed;
    clearTimeout(timer);
    this.context.auth?.sessions.close();
  }

  private createAuthContext(backend: AuthenticationBackend): ApiContext["auth"] {
    const ttl = this.options.sessionTtlMs ?? DEFAULT_SESSION_TTL_MS;
    return {
      backend,
      sessions: new SessionStore(ttl),
      limiter: new LoginRateLimiter(this.options.loginRateLimit ?? DEFAULT_LOGIN_RATE_LIMIT),
      cookie: { name: sessionCookieName(), secure: this.options.secureCookies ?? process.env.NODE_ENV === "production", maxAgeMs: ttl },
    };
  }
}

function instantiate(chat: ChatSource): ChatInterface {
  if (ChatInterface.isChatInterface(chat)) return chat;
  if (ChatInterface.isChatInterfaceClass(chat)) return new chat();
  throw new TypeError("RagbitsAPI needs a ChatInterface subclass or instance");
}
