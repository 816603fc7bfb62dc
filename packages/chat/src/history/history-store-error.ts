import { StoreError, type StoreErrorCode, type StoreErrorOptions, messageOf } from "../stores/store-error";

/** Why a history store failed (the codes every store uses; see StoreErrorCode). */
export type HistoryStoreErrorCode = StoreErrorCode;

export type HistoryStoreErrorOptions = StoreErrorOptions<HistoryStoreErrorCode>;

/**
 * Marks every HistoryStoreError, whichever copy of @ragbits/chat made it (its ESM and CommonJS builds
 * loaded side by side, or two installs): `Symbol.for` is shared by the whole process.
 */
const MARKER = Symbol.for("@ragbits/chat.HistoryStoreError");

/** Every error the built-in history stores throw: a StoreError, so one check covers every store. */
export class HistoryStoreError extends StoreError {
  readonly [MARKER] = true;

  /** Use instead of `instanceof`, which fails for an error made by another copy of this package. */
  static override isInstance(error: unknown): error is HistoryStoreError {
    return typeof error === "object" && error !== null && (error as Record<symbol, unknown>)[MARKER] === true;
  }
}

export { messageOf };
