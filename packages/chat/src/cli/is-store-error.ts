/**
 * A StoreError from the library (RagbitsAPI refusing a database without RAGBITS_SECRET_KEY, a bad
 * --database-url): the user's to fix, so the CLI prints its message alone. Checked by the library's
 * process-wide marker, since the CLI bundles no copy of the library.
 */
export function isStoreError(error: unknown): error is Error {
  return error instanceof Error && (error as unknown as Record<symbol, unknown>)[Symbol.for("@ragbits/chat.StoreError")] === true;
}
