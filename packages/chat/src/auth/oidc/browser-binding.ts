import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import { serialize } from "cookie";
import { readSessionId } from "../session-cookie";
import { type SessionCookieOptions } from "../session-cookie";

/**
 * The browser-binding cookie ties a started sign-in to the browser that started it. Without it, an
 * attacker could start a sign-in with their own account, stop before the callback, and send the
 * callback link to a victim, who would then be signed in as the attacker (login CSRF, RFC 6749
 * §10.12). The pending sign-in keeps the SHA-256 of the cookie's value; the callback must bring the
 * cookie. One value per browser, reused by every sign-in it starts, so two tabs do not undo each other.
 */
export function bindingCookieName(cookie: SessionCookieOptions): string {
  return `${cookie.name}_signin`;
}

/** The browser's binding value: the one its cookie already holds, else a new random one. */
export function bindingValue(cookieHeader: string | undefined, cookie: SessionCookieOptions): string {
  const existing = readSessionId(cookieHeader, bindingCookieName(cookie));
  return existing && /^[A-Za-z0-9_-]{43}$/.test(existing) ? existing : randomBytes(32).toString("base64url");
}

export function bindingHash(value: string): string {
  return createHash("sha256").update(value).digest("base64url");
}

/** Whether the request's binding cookie is the one the sign-in was started with. */
export function isSameBrowser(cookieHeader: string | undefined, cookie: SessionCookieOptions, expectedHash: string): boolean {
  const value = readSessionId(cookieHeader, bindingCookieName(cookie));
  if (!value) return false;
  const actual = Buffer.from(bindingHash(value));
  const expected = Buffer.from(expectedHash);
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}

export function bindingCookie(value: string, cookie: SessionCookieOptions, maxAgeMs: number): string {
  // Lax: the provider sends the browser back with a top-level GET, which carries Lax cookies.
  return serialize(bindingCookieName(cookie), value, { httpOnly: true, sameSite: "lax", path: "/", secure: cookie.secure, maxAge: Math.floor(maxAgeMs / 1000) });
}

export function clearedBindingCookie(cookie: SessionCookieOptions): string {
  return serialize(bindingCookieName(cookie), "", { httpOnly: true, sameSite: "lax", path: "/", secure: cookie.secure, maxAge: 0 });
}
