import { clearedSessionCookie, sessionCookie } from "../../auth/session-cookie";
import { type User } from "../../interface/chat-context";
import { type AuthContext, type RouteInput } from "../api-context";
import { type BodyResponse, jsonResponse } from "../http/api-response";
import { HttpError } from "../http/http-error";
import { readJson } from "../http/read-body";
import { LoginRequestSchema } from "../request-schemas";
import { validateBody } from "../validation";

/** GET /api/user: the signed-in user; 401 when auth is off or nobody is signed in. */
export async function userRoute({ session, context }: RouteInput): Promise<BodyResponse> {
  if (!context.auth) throw new HttpError(401, "Authentication is not enabled");
  if (!session.user) throw new HttpError(401, "Not authenticated");
  return jsonResponse(session.user);
}

/** POST /api/auth/login (only when auth is configured). */
export async function loginRoute({ request, session, context }: RouteInput): Promise<BodyResponse> {
  const auth = requireAuth(context.auth);
  const { username, password } = validateBody(LoginRequestSchema, await readJson(request, context.bodyLimit.bytes, context.bodyLimit.label));
  // Without a known client address (some fetch runtimes) only the per-user limit applies: one shared
  // "unknown" key would let any one client lock everybody out.
  const keys = [`user:${username.toLowerCase()}`, ...(request.remoteAddress ? [`ip:${request.remoteAddress}`] : [])];
  const waitMs = await auth.limiter.retryAfterMs(keys);
  if (waitMs > 0) {
    const seconds = Math.ceil(waitMs / 1000);
    throw new HttpError(429, `Too many failed login attempts; try again in ${seconds} s`, { headers: { "retry-after": String(seconds) } });
  }
  // Only OAuth2 providers configured: answered as Python Ragbits does, a refused login.
  if (!auth.backend) return jsonResponse({ success: false, user: null, error_message: "Sign-in with a username and password is not enabled on this server" }, 401);
  const user = await auth.backend.authenticate(username, password);
  if (!user) {
    await auth.limiter.recordFailure(keys);
    context.logger.warn({ username: username.slice(0, 64) }, "failed login");
    return jsonResponse({ success: false, user: null, error_message: "Invalid username or password" }, 401);
  }
  await auth.limiter.reset(keys);
  return jsonResponse({ success: true, user, error_message: null }, 200, { "set-cookie": await startSession(auth, session, user) });
}

/** POST /api/auth/logout (only when auth is configured). */
export async function logoutRoute({ session, context }: RouteInput): Promise<BodyResponse> {
  const auth = requireAuth(context.auth);
  if (session.sessionId) await auth.sessions.delete(session.sessionId);
  return jsonResponse({ success: true }, 200, { "set-cookie": clearedSessionCookie(auth.cookie) });
}

function requireAuth(auth: AuthContext | undefined): AuthContext {
  if (!auth) throw new HttpError(404, "Not found");
  return auth;
}

async function startSession(auth: AuthContext, session: RouteInput["session"], user: User): Promise<string> {
  // A new id on every login: a session id planted before login is useless afterwards.
  if (session.sessionId) await auth.sessions.delete(session.sessionId);
  return sessionCookie(await auth.sessions.create(user, auth.cookie.maxAgeMs), auth.cookie);
}
