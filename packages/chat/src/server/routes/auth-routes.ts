import { type RequestHandler, type Response, Router } from "express";
import { clearedSessionCookie, sessionCookie } from "../../auth/session-cookie";
import { type ApiContext, type AuthContext, type SessionLocals } from "../api-context";
import { HttpError } from "../http-error";
import { LoginRequestSchema } from "../request-schemas";
import { validateBody } from "../validation";

/** /api/auth/login and /api/auth/logout (present only when auth is configured), and /api/user. */
export function authRoutes(context: ApiContext, jsonBody: RequestHandler[]): Router {
  const router = Router();
  router.get("/api/user", (_req, res) => {
    if (!context.auth) throw new HttpError(401, "Authentication is not enabled");
    const { user } = res.locals as SessionLocals;
    if (!user) throw new HttpError(401, "Not authenticated");
    res.json(user);
  });
  if (!context.auth) return router;
  const auth = context.auth;

  router.post("/api/auth/login", ...jsonBody, async (req, res) => {
    const { username, password } = validateBody(LoginRequestSchema, req.body);
    const keys = [`ip:${req.ip ?? req.socket.remoteAddress}`, `user:${username.toLowerCase()}`];
    const waitMs = auth.limiter.retryAfterMs(keys);
    if (waitMs > 0) {
      const seconds = Math.ceil(waitMs / 1000);
      throw new HttpError(429, `Too many failed login attempts; try again in ${seconds} s`, { "retry-after": String(seconds) });
    }
    const user = await auth.backend.authenticate(username, password);
    if (!user) {
      auth.limiter.recordFailure(keys);
      context.logger.warn({ username: username.slice(0, 64) }, "failed login");
      res.status(401).json({ success: false, user: null, error_message: "Invalid username or password" });
      return;
    }
    auth.limiter.reset(keys);
    startSession(auth, res, user);
    res.json({ success: true, user, error_message: null });
  });

  router.post("/api/auth/logout", (_req, res) => {
    auth.sessions.delete((res.locals as SessionLocals).sessionId);
    res.setHeader("set-cookie", clearedSessionCookie(auth.cookie));
    res.json({ success: true });
  });
  return router;
}

function startSession(auth: AuthContext, res: Response, user: NonNullable<SessionLocals["user"]>): void {
  // A new id on every login: a session id planted before login is useless afterwards.
  auth.sessions.delete((res.locals as SessionLocals).sessionId);
  res.setHeader("set-cookie", sessionCookie(auth.sessions.create(user), auth.cookie));
}
