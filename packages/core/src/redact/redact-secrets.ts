/**
 * Secret redaction for both packages: @ragbits/core keeps API keys out of provider errors, and the
 * @ragbits/chat client keeps the credentials a user configured out of the errors it throws. Browser
 * safe (no Node built-ins, no globals beyond the language): it is also published alone as
 * `@ragbits/core/redact`, so a browser bundle takes this file without the rest of the package.
 */

/** Replaces secrets in a text. */
export type Redactor = (text: string) => string;

export interface RedactorOptions {
  /** What each secret becomes. Default `***`. */
  mask?: string;
  /**
   * Also mask anything shaped like a provider key (`sk-…`, `sk-ant-…`, `sk-proj-…`) or a bearer
   * token, known or not: a second line of defence for provider error bodies. Default true.
   */
  keyShapes?: boolean;
}

// Provider error bodies sometimes echo (part of) the key that was sent.
const KEY_SHAPES = /\b(sk-(?:ant-|proj-)?[A-Za-z0-9_-]{8,}|Bearer\s+[A-Za-z0-9._~+/-]{8,}=*)/g;
const SENSITIVE_HEADER = /auth|cookie|token|key|secret|session|password|credential|signature/i;
// Shorter fragments (a cookie flag, a one-letter value) would mangle ordinary text when masked.
const MIN_SECRET_LENGTH = 4;

/** A redactor for known secret values (longest first, so a whole value goes before a part of it could). */
export function createRedactor(secrets: Iterable<string | undefined>, { mask = "***", keyShapes = true }: RedactorOptions = {}): Redactor {
  const known = [...new Set([...secrets].filter((secret): secret is string => !!secret && secret.length >= MIN_SECRET_LENGTH))].sort((a, b) => b.length - a.length);
  return (text) => {
    let result = text;
    for (const secret of known) result = result.split(secret).join(mask);
    if (!keyShapes) return result;
    return result.replace(KEY_SHAPES, (match) => (match.startsWith("Bearer") ? `Bearer ${mask}` : `${match.slice(0, 3)}${mask}`));
  };
}

/** Removes known secrets and anything shaped like a provider key from a text. */
export function redactSecrets(text: string, secrets: readonly (string | undefined)[] = []): string {
  return createRedactor(secrets)(text);
}

/** Redacts every string inside a JSON-like value. */
export function redactDeep(value: unknown, redact: Redactor): unknown {
  if (typeof value === "string") return redact(value);
  if (Array.isArray(value)) return value.map((item) => redactDeep(item, redact));
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, redactDeep(item, redact)]));
  }
  return value;
}

/**
 * The credentials among request headers (an Authorization for a proxy, an api-key, a session
 * cookie…): for each sensitive header, the value, the credential of "Scheme credential" and each
 * cookie's value, reduced to the fewest strings whose masking hides them all (masking the
 * credential also hides "Bearer <credential>").
 */
export function sensitiveHeaderValues(headers: Headers | Record<string, string> | undefined): string[] {
  if (!headers) return [];
  const parts: string[] = [];
  const collect = (value: string, name: string) => {
    if (SENSITIVE_HEADER.test(name)) parts.push(...secretParts(value).filter((part) => part.length >= MIN_SECRET_LENGTH));
  };
  if (typeof (headers as Headers).forEach === "function" && typeof (headers as Headers).get === "function") (headers as Headers).forEach(collect);
  else for (const [name, value] of Object.entries(headers)) collect(value, name);
  const distinct = [...new Set(parts)];
  return distinct.filter((part) => !distinct.some((other) => other !== part && part.includes(other)));
}

/**
 * A redactor for the credentials among the headers a client was configured with. Error bodies
 * sometimes echo what was sent ("invalid token abc…"); errors must never carry those values onward.
 * Masks them as `[redacted]`, and only them: a client's errors quote the server's own text.
 */
export function headerRedactor(headers: Headers | Record<string, string>): Redactor {
  return createRedactor(sensitiveHeaderValues(headers), { mask: "[redacted]", keyShapes: false });
}

/** The value, the credential of "Scheme credential", and each cookie's value. */
function secretParts(value: string): string[] {
  const trimmed = value.trim();
  const parts = [trimmed];
  const scheme = /^\S+\s+(\S.*)$/.exec(trimmed);
  if (scheme?.[1]) parts.push(scheme[1]);
  for (const pair of trimmed.split(";")) {
    const eq = pair.indexOf("=");
    if (eq !== -1) parts.push(pair.slice(eq + 1).trim());
  }
  return parts;
}
