/**
 * A message used as a clause of a longer one: trimmed, without the full stop, colon or comma it may
 * end with. Error texts chain a context and its cause with ": ", so an SDK's "Connection error." must
 * become "Connection error" first, or the user reads "Connection error.: fetch failed".
 */
export function asClause(text: string): string {
  return text.trim().replace(/[\s.:;,]+$/u, "");
}
