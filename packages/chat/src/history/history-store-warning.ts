/** Something a store recovered from without failing the call, e.g. a torn line it skipped. */
export interface HistoryStoreWarning {
  message: string;
  /** The file the warning is about. */
  path: string;
  /** The 1-based line number, when the warning is about one line. */
  line?: number;
}

export type HistoryStoreWarningHandler = (warning: HistoryStoreWarning) => void;

/**
 * Used when the app passes no handler: a process warning is visible on stderr by default and can
 * be filtered by its code, without making the store depend on a logging library.
 */
export const emitHistoryStoreWarning: HistoryStoreWarningHandler = (warning) => {
  process.emitWarning(warning.message, { code: "RAGBITS_HISTORY_STORE" });
};
