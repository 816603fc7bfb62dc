import { type ResponseHeaders } from "./api-response";

/**
 * The built-in UI's policy: no inline script or style, nothing loaded from elsewhere but images, no
 * framing. Model output rendered by the UI can therefore never run code.
 */
export const STRICT_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data: blob: https:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join(";");

/**
 * The default for a UI built elsewhere (`uiBuildDir`): what a typical React build needs — inline
 * theme styles, JSON-schema validators compiled with `new Function`, fonts and icons from HTTPS
 * CDNs — while still refusing plugins, framing and foreign form targets. Weaker than STRICT_CSP:
 * an HTML-injection bug in such a UI could run script. Pass your own policy to tighten it.
 */
export const RELAXED_CSP = [
  "default-src 'self'",
  "script-src 'self' 'unsafe-eval'",
  "style-src 'self' 'unsafe-inline' https:",
  "img-src 'self' data: blob: https:",
  "font-src 'self' data: https:",
  "connect-src 'self' https:",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join(";");

/** A Content-Security-Policy value, or `false` for none (your proxy or framework sets it). */
export type ContentSecurityPolicy = string | false;

/**
 * The default policy for the UI being served: STRICT_CSP for the built-in UI (made to need nothing
 * more), RELAXED_CSP for a UI built elsewhere (`uiBuildDir`), which a strict policy would break.
 */
export function defaultContentSecurityPolicy(customUi: boolean): string {
  return customUi ? RELAXED_CSP : STRICT_CSP;
}

/** A policy as a header value: one line (Node would refuse every answer with a line break in a header). */
export function checkedPolicy(policy: string): string {
  const value = policy.trim();
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u0008\u000a-\u001f\u007f]/.test(value)) throw new TypeError("Content-Security-Policy: a policy is one line, without control characters");
  return value;
}

/**
 * The headers every answer gets (helmet's defaults, minus HSTS: plain-HTTP local use is normal for
 * this server, and HSTS belongs to the TLS proxy in front of it). Built once per API.
 */
export function securityHeaders(csp: ContentSecurityPolicy): ResponseHeaders {
  if (csp !== false) csp = checkedPolicy(csp);
  const headers: ResponseHeaders = {
    "cross-origin-opener-policy": "same-origin",
    "cross-origin-resource-policy": "same-origin",
    "origin-agent-cluster": "?1",
    "referrer-policy": "no-referrer",
    "x-content-type-options": "nosniff",
    "x-dns-prefetch-control": "off",
    "x-download-options": "noopen",
    "x-frame-options": "DENY",
    "x-permitted-cross-domain-policies": "none",
    "x-xss-protection": "0",
  };
  if (csp !== false) headers["content-security-policy"] = csp;
  return headers;
}
