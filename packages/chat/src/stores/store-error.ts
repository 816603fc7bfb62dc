/** Why a store failed, so callers can react without parsing messages. */
export type StoreErrorCode =
  /** The database cannot be reached right now (down, refusing, too slow): try again later. The API answers 503. */
  | "unavailable"
  /** An optional dependency the store needs (better-sqlite3, pg) is not installed. */
  | "missing-dependency"
  /** The dependency is installed but could not be loaded (wrong version, broken native build). */
  | "dependency-failed"
  /** The file or database could not be opened, created, written or read. */
  | "io-failed"
  /** The record could not be stored as it is (not JSON: a cycle, a BigInt...; a NUL character PostgreSQL text refuses). */
  | "serialize-failed"
  /** A stored row could not be read back. */
  | "corrupt-record"
  /** The database was written by a newer @ragbits/chat whose schema this version does not know. */
  | "unsupported-schema"
  /** The conversation belongs to another user: its interactions are not saved into it. */
  | "not-owner"
  /** A page cursor that this store did not hand out. */
  | "invalid-cursor"
  /** The database URL or options cannot work (an unknown scheme, no shared secret key for several replicas). */
  | "invalid-configuration"
  /** The store was used after `close()`. */
  | "closed";

export interface StoreErrorOptions<Code extends string = StoreErrorCode> {
  code: Code;
  message: string;
  cause?: unknown;
}

/**
 * Marks every StoreError, whichever copy of @ragbits/chat made it (its ESM and CommonJS builds
 * loaded side by side, or two installs): `Symbol.for` is shared by the whole process.
 */
const MARKER = Symbol.for("@ragbits/chat.StoreError");

/** Every error the built-in stores (sessions, login limits, history) throw. */
export class StoreError extends Error {
  readonly [MARKER] = true;
  readonly code: StoreErrorCode;

  constructor({ code, message, cause }: StoreErrorOptions) {
    super(message, cause === undefined ? undefined : { cause });
    this.name = new.target.name;
    this.code = code;
  }

  /** Use instead of `instanceof`, which fails for an error made by another copy of this package. */
  static isInstance(error: unknown): error is StoreError {
    return typeof error === "object" && error !== null && (error as Record<symbol, unknown>)[MARKER] === true;
  }

  /** Whether the error says the database is unreachable for now (the request may be retried later). */
  static isUnavailable(error: unknown): error is StoreError {
    return StoreError.isInstance(error) && error.code === "unavailable";
  }
}

/** The message of an unknown thrown value, for wrapping it into a StoreError. */
export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
