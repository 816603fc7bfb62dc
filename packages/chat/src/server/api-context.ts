import { type Logger } from "pino";
import { type AuthenticationBackend } from "../auth/authentication-backend";
import { type LoginRateLimiter } from "../auth/login-rate-limiter";
import { type OAuth2Provider } from "../auth/oidc/oauth2-provider";
import { type PendingSignIns } from "../auth/oidc/pending-sign-ins";
import { type SessionCookieOptions } from "../auth/session-cookie";
import { type SessionStore } from "../auth/session-store";
import { type User } from "../interface/chat-context";
import { type ChatInterface } from "../interface/chat-interface";
import { type StateSigner } from "../state/state-signing";
import { type ServerStores } from "../stores/server-stores";
import { type TurnRegistry } from "./turns/turn-registry";
import { type ApiRequest } from "./http/api-request";

/** The abort reason of turns ended because the server is shutting down (their clients are told so). */
export const SERVER_SHUTDOWN = "ragbits: server shutting down";

/** What every route of one RagbitsAPI shares. */
export interface ApiContext {
  chat: ChatInterface;
  logger: Logger;
  signer: StateSigner;
  debugMode: boolean;
  /** Largest JSON body, in bytes, and how the user wrote it (for the 413 message). */
  bodyLimit: { bytes: number; label: string | number };
  uploadLimitBytes: number;
  keepAliveMs: number;
  themePath: string | undefined;
  auth: AuthContext | undefined;
  /** Aborts every streaming turn in flight (used when the server shuts down). */
  activeTurns: Set<AbortController>;
  /** Turns whose clients can re-attach after a dropped connection (docs/protocol.md, "Resumable streams"). */
  turns: TurnRegistry;
  /** The server's state: sessions, login limits and (with a database) history and feedback. */
  stores: ServerStores;
  /** Why this replica should get no traffic now (GET /api/ready); undefined when it is ready. */
  notReadyReason: () => Promise<string | undefined>;
  /** Set once a shutdown began: new API requests are answered 503, readiness too. */
  lifecycle: { shuttingDown: boolean };
}

export interface AuthContext {
  /** Username and password sign-in; undefined when only OAuth2 providers are configured. */
  backend: AuthenticationBackend | undefined;
  /** OAuth2 / OpenID Connect providers by name (empty without any). */
  providers: ReadonlyMap<string, OAuth2Provider>;
  /** Started OAuth2 sign-ins, waiting for their callback (in the stores, so any replica can finish them). */
  pendingSignIns: PendingSignIns;
  /** This server's public URL (RAGBITS_BASE_URL), for OAuth2 callback URLs; no trailing slash. */
  baseUrl: string | undefined;
  sessions: SessionStore;
  limiter: LoginRateLimiter;
  cookie: SessionCookieOptions;
}

/** Who is asking: set from the session cookie when auth is on, empty otherwise. */
export interface Session {
  user?: User;
  sessionId?: string;
}

/** One request on its way through a route: the request, its session, the API's shared context. */
export interface RouteInput {
  request: ApiRequest;
  session: Session;
  context: ApiContext;
  /** The path's parameters, decoded (`/api/conversations/:id` → `{ id }`); empty for exact paths. */
  params: Readonly<Record<string, string>>;
}
