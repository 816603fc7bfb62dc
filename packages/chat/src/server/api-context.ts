import { type RequestHandler } from "express";
import { type Logger } from "pino";
import { type AuthenticationBackend } from "../auth/authentication-backend";
import { type LoginRateLimiter } from "../auth/login-rate-limiter";
import { type SessionCookieOptions, readSessionId } from "../auth/session-cookie";
import { type SessionStore } from "../auth/session-store";
import { type User } from "../interface/chat-context";
import { type ChatInterface } from "../interface/chat-interface";
import { type StateSigner } from "../state/state-signing";
import { HttpError } from "./http-error";

/** The abort reason of turns ended because the server is shutting down (their clients are told so). */
export const SERVER_SHUTDOWN = "ragbits: server shutting down";

/** What every route of one RagbitsAPI shares. */
export interface ApiContext {
  chat: ChatInterface;
  logger: Logger;
  signer: StateSigner;
  debugMode: boolean;
  bodyLimit: string | number;
  uploadLimitBytes: number;
  keepAliveMs: number;
  themePath: string | undefined;
  auth: AuthContext | undefined;
  /** Aborts every streaming turn in flight (used when the server shuts down). */
  activeTurns: Set<AbortController>;
  /** Resolves once `chat.setup()` has completed. */
  ready(): Promise<void>;
}

export interface AuthContext {
  backend: AuthenticationBackend;
  sessions: SessionStore;
  limiter: LoginRateLimiter;
  cookie: SessionCookieOptions;
}

/** Locals the session middleware sets for later handlers. */
export interface SessionLocals {
  user?: User;
  sessionId?: string;
}

/** Reads the session cookie (when auth is on) into `res.locals.user` / `res.locals.sessionId`. */
export function loadSession(context: ApiContext): RequestHandler {
  return (req, res, next) => {
    if (!context.auth) return next();
    const sessionId = readSessionId(req, context.auth.cookie.name);
    const user = context.auth.sessions.get(sessionId);
    if (user) Object.assign(res.locals, { user, sessionId } satisfies SessionLocals);
    next();
  };
}

/** With auth on, only signed-in users get through. */
export function requireSession(context: ApiContext): RequestHandler {
  return (_req, res, next) => {
    if (context.auth && !(res.locals as SessionLocals).user) return next(new HttpError(401, "Not authenticated"));
    next();
  };
}

/** Holds requests until `setup()` is done (relevant when the app is mounted before `run()`). */
export function awaitSetup(context: ApiContext): RequestHandler {
  let done = false;
  return (_req, _res, next) => {
    if (done) return next();
    context.ready().then(() => {
      done = true;
      next();
    }, next);
  };
}
