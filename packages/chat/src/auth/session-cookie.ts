import { parse, serialize } from "cookie";
import { type IncomingMessage } from "node:http";

export interface SessionCookieOptions {
  name: string;
  /** Send only over HTTPS. Default: in production (NODE_ENV=production). */
  secure: boolean;
  maxAgeMs: number;
}

export function sessionCookieName(): string {
  return process.env.RAGBITS_COOKIE || "ragbits_session";
}

export function readSessionId(req: IncomingMessage, name: string): string | undefined {
  const header = req.headers.cookie;
  if (!header) return undefined;
  return parse(header)[name];
}

export function sessionCookie(id: string, options: SessionCookieOptions): string {
  return serialize(options.name, id, { httpOnly: true, sameSite: "lax", path: "/", secure: options.secure, maxAge: Math.floor(options.maxAgeMs / 1000) });
}

export function clearedSessionCookie(options: SessionCookieOptions): string {
  return serialize(options.name, "", { httpOnly: true, sameSite: "lax", path: "/", secure: options.secure, maxAge: 0 });
}
