import type BetterSqlite3 from "better-sqlite3";
import { HistoryStoreError, messageOf } from "./history-store-error";

export type BetterSqlite3Constructor = typeof BetterSqlite3;

/** The command the missing-dependency error tells the user to run. */
export const BETTER_SQLITE3_INSTALL_COMMAND = "npm install better-sqlite3@^12";

let loading: Promise<BetterSqlite3Constructor> | undefined;

/**
 * Loads better-sqlite3 (an optional peer dependency) the first time a SQLite store is used, so apps
 * that never use one need not install a native module. A failed load is not cached: the user may
 * install the package and try again.
 */
export function loadBetterSqlite3(): Promise<BetterSqlite3Constructor> {
  loading ??= import("better-sqlite3").then(
    (module) => module.default,
    (error: unknown) => {
      loading = undefined;
      throw describeLoadFailure(error);
    },
  );
  return loading;
}

function describeLoadFailure(error: unknown): HistoryStoreError {
  if (isBetterSqlite3Missing(error)) {
    return new HistoryStoreError({
      code: "missing-dependency",
      message: `SqliteHistoryStore needs the optional package better-sqlite3, which is not installed. Install it: ${BETTER_SQLITE3_INSTALL_COMMAND}`,
      cause: error,
    });
  }
  // Installed but unusable (a missing dependency of its own, a native build for another Node...): say so, not "missing".
  return new HistoryStoreError({
    code: "dependency-failed",
    message: `better-sqlite3 is installed but failed to load (try \`npm rebuild better-sqlite3\`): ${messageOf(error)}`,
    cause: error,
  });
}

function isBetterSqlite3Missing(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  if (code !== "MODULE_NOT_FOUND" && code !== "ERR_MODULE_NOT_FOUND") return false;
  // Only the first line names what is missing; the require stack after it mentions better-sqlite3's
  // own files when it is one of *its* dependencies that cannot be found.
  const firstLine = messageOf(error).split("\n", 1)[0] ?? "";
  return /['"]better-sqlite3['"]/.test(firstLine);
}
