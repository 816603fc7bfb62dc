/** Replaces every configured secret in a text. */
export type Redactor = (text: string) => string;

const SENSITIVE_HEADER = /auth|cookie|token|key|secret|session|password|credential|signature/i;
const REDACTED = "[redacted]";
// Shorter fragments (a cookie flag, a one-letter value) would mangle ordinary text when masked.
const MIN_SECRET_LENGTH = 4;

/**
 * A redactor for the credentials among the headers the user configured. Error bodies sometimes
 * echo what was sent ("invalid token abc…"); errors must never carry those values onward.
 */
export function headerRedactor(headers: Headers): Redactor {
  const secrets = new Set<string>();
  headers.forEach((value, name) => {
    if (SENSITIVE_HEADER.test(name)) for (const secret of secretParts(value)) secrets.add(secret);
  });
  // Longest first, so a whole value is masked before a part of it could be.
  const ordered = [...secrets].filter((secret) => secret.length >= MIN_SECRET_LENGTH).sort((a, b) => b.length - a.length);
  if (ordered.length === 0) return (text) => text;
  return (text) => ordered.reduce((result, secret) => result.split(secret).join(REDACTED), text);
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

/** The value, plus the credential of "Scheme credential" and each cookie's value. */
function secretParts(value: string): string[] {
  const parts = [value.trim()];
  const scheme = /^\S+\s+(\S.*)$/.exec(value.trim());
  if (scheme?.[1]) parts.push(scheme[1]);
  for (const pair of value.split(";")) {
    const eq = pair.indexOf("=");
    if (eq !== -1) parts.push(pair.slice(eq + 1).trim());
  }
  return parts;
}
