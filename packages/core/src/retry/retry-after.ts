export type HeadersLike = Headers | Record<string, string | string[] | undefined> | undefined | null;

function readHeader(headers: HeadersLike, name: string): string | undefined {
  if (!headers) return undefined;
  if (typeof (headers as Headers).get === "function") return (headers as Headers).get(name) ?? undefined;
  const record = headers as Record<string, string | string[] | undefined>;
  const value = record[name] ?? record[name.toLowerCase()];
  return Array.isArray(value) ? value[0] : value;
}

/**
 * How long the provider asked us to wait, in ms: `retry-after-ms` (OpenAI, Azure) or the standard
 * `Retry-After` in seconds or as an HTTP date. `undefined` when the headers say nothing usable.
 */
export function parseRetryAfterMs(headers: HeadersLike, now = Date.now()): number | undefined {
  const ms = readHeader(headers, "retry-after-ms");
  if (ms !== undefined && ms.trim() !== "" && Number.isFinite(Number(ms))) return Math.max(0, Number(ms));

  const value = readHeader(headers, "retry-after");
  if (value === undefined || value.trim() === "") return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

export function readRequestId(headers: HeadersLike): string | undefined {
  return readHeader(headers, "x-request-id") ?? readHeader(headers, "request-id") ?? readHeader(headers, "apim-request-id");
}
