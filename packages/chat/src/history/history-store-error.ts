/** Why a history store failed, so callers can react without parsing messages. */
export type HistoryStoreErrorCode =
  /** An optional dependency the store needs (better-sqlite3) is not installed. */
  | "missing-dependency"
  /** The dependency is installed but could not be loaded (wrong version, broken native build). */
  | "dependency-failed"
  /** The file or database could not be opened, created or written. */
  | "io-failed"
  /** The record could not be turned into JSON (a cycle, a BigInt...). */
  | "serialize-failed"
  /** A stored row could not be read back. */
  | "corrupt-record"
  /** The database was written by a newer @ragbits/chat whose schema this version does not know. */
  | "unsupported-schema"
  /** The store was used after `close()`. */
  | "closed";

export interface HistoryStoreErrorOptions {
  code: HistoryStoreErrorCode;
  message: string;
  cause?: unknown;
}

/**
 * Marks every HistoryStoreError, whichever copy of @ragbits/chat made it (its ESM and CommonJS builds
 * loaded side by side, or two installs): `Symbol.for` is shared by the whole process.
 */
const MARKER = Symbol.for("@ragbits/chat.HistoryStoreError");

/** Every error the built-in history stores throw. */
export class HistoryStoreError extends Error {
  readonly [MARKER] = true;
  readonly code: HistoryStoreErrorCode;

  constructor({ code, message, cause }: HistoryStoreErrorOptions) {
    super(message, cause === undefined ? undefined : { cause });
    this.name = new.target.name;
    this.code = code;
  }

  /** Use instead of `instanceof`, which fails for an error made by another copy of this package. */
  static isInstance(error: unknown): error is HistoryStoreError {
    return typeof error === "object" && error !== null && (error as Record<symbol, unknown>)[MARKER] === true;
  }
}

/** The message of an unknown thrown value, for wrapping it into a HistoryStoreError. */
export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
