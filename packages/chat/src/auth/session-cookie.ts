import { parse, serialize } from "cookie";

export interface SessionCookieOptions {
  name: string;
  /** Send only over HTTPS. Default: in production (NODE_ENV=production). */
  secure: boolean;
  maxAgeMs: number;
}

export function sessionCookieName(): string {
  return process.env.RAGBITS_COOKIE || "ragbits_session";
}

/** The session id in a `Cookie` header, if any. */
export function readSessionId(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  return parse(header)[name];
}

export function sessionCookie(id: string, options: SessionCookieOptions): string {
  return serialize(options.name, id, { httpOnly: true, sameSite: "lax", path: "/", secure: options.secure, maxAge: Math.floor(options.maxAgeMs / 1000) });
}

export function clearedSessionCookie(options: SessionCookieOptions): string {
  return serialize(options.name, "", { httpOnly: true, sameSite: "lax", path: "/", secure: options.secure, maxAge: 0 });
}
