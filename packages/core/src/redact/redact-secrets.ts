// Provider error bodies sometimes echo (part of) the key that was sent. Known keys are replaced
// wherever they appear, and anything shaped like a provider key is masked as a second line of defence.
const KEY_SHAPES = /\b(sk-(?:ant-|proj-)?[A-Za-z0-9_-]{8,}|Bearer\s+[A-Za-z0-9._~+/-]{8,}=*)/g;

export function redactSecrets(text: string, secrets: readonly (string | undefined)[] = []): string {
  let result = text;
  for (const secret of secrets) {
    if (secret && secret.length >= 4) result = result.split(secret).join("***");
  }
  return result.replace(KEY_SHAPES, (match) => (match.startsWith("Bearer") ? "Bearer ***" : `${match.slice(0, 3)}***`));
}

/** Redacts every string inside a JSON-like value. */
export function redactDeep(value: unknown, secrets: readonly (string | undefined)[] = []): unknown {
  if (typeof value === "string") return redactSecrets(value, secrets);
  if (Array.isArray(value)) return value.map((item) => redactDeep(item, secrets));
  if (value && typeof value === "object") {
    const result: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) result[key] = redactDeep(item, secrets);
    return result;
  }
  return value;
}

const SENSITIVE_HEADER = /authorization|cookie|key|token|secret|password/i;

/** Values of custom headers that carry credentials (an Authorization for a proxy, an api-key…). */
export function sensitiveHeaderValues(headers: Record<string, string> | undefined): string[] {
  if (!headers) return [];
  return Object.entries(headers)
    .filter(([name]) => SENSITIVE_HEADER.test(name))
    .map(([, value]) => value.replace(/^(Bearer|Basic)\s+/i, ""));
}
