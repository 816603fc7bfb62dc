import type Pg from "pg";
import { StoreError, messageOf } from "../store-error";

export type PgModule = typeof Pg;

/** The command the missing-dependency error tells the user to run. */
export const PG_INSTALL_COMMAND = "npm install pg@^8";

let loading: Promise<PgModule> | undefined;

/**
 * Loads node-postgres (an optional peer dependency) the first time a PostgreSQL store is opened, so
 * apps that never use one need not install it. A failed load is not cached: the user may install the
 * package and try again.
 */
export function loadPg(): Promise<PgModule> {
  loading ??= import("pg").then(
    // ESM gets pg's CommonJS exports as the default export; the CommonJS build gets them directly.
    (module) => ((module as { default?: PgModule }).default ?? module) as PgModule,
    (error: unknown) => {
      loading = undefined;
      throw describeLoadFailure(error);
    },
  );
  return loading;
}

function describeLoadFailure(error: unknown): StoreError {
  if (isPgMissing(error)) {
    return new StoreError({
      code: "missing-dependency",
      message: `a postgres:// databaseUrl needs the optional package pg (node-postgres), which is not installed. Install it: ${PG_INSTALL_COMMAND}`,
      cause: error,
    });
  }
  // Installed but unusable (a missing dependency of its own, a broken install...): say so, not "missing".
  return new StoreError({ code: "dependency-failed", message: `pg is installed but failed to load (try reinstalling it): ${messageOf(error)}`, cause: error });
}

function isPgMissing(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  if (code !== "MODULE_NOT_FOUND" && code !== "ERR_MODULE_NOT_FOUND") return false;
  // Only the first line names what is missing; the require stack after it mentions pg's own files
  // when it is one of *its* dependencies (pg-pool, pg-protocol...) that cannot be found.
  const firstLine = messageOf(error).split("\n", 1)[0] ?? "";
  return /['"]pg['"]/.test(firstLine);
}
