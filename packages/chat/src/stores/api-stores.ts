import { type StateSigner } from "../state/state-signing";
import { openStores } from "./open-stores";
import { type PostgresOptions } from "./postgres/postgres-options";
import { type ServerStores } from "./server-stores";
import { StoreError } from "./store-error";
import { type StoreLogger } from "./store-logger";

/** The RagbitsAPI options that choose the stores. */
export interface ApiStoreOptions {
  stores?: ServerStores | undefined;
  databaseUrl?: string | undefined;
  database?: PostgresOptions | undefined;
  stateSigner?: StateSigner | undefined;
}

/**
 * The stores a RagbitsAPI uses: its `stores` option, else the database `databaseUrl` (or
 * RAGBITS_DATABASE_URL) names, else memory. A database means the state outlives the process and is
 * shared with other processes, so the state-signing key must be one they all know: without
 * RAGBITS_SECRET_KEY (or an explicit `stateSigner`) each process would sign with its own random key and
 * refuse every other one's conversation state. That is refused here, before anything starts.
 */
export function storesForApi(options: ApiStoreOptions, logger: StoreLogger): ServerStores {
  if (options.stores) return options.stores;
  const databaseUrl = (options.databaseUrl ?? process.env.RAGBITS_DATABASE_URL)?.trim() || undefined;
  if (databaseUrl && !options.stateSigner && !process.env.RAGBITS_SECRET_KEY) {
    throw new StoreError({
      code: "invalid-configuration",
      message:
        "a database is configured (databaseUrl / --database-url / RAGBITS_DATABASE_URL) but RAGBITS_SECRET_KEY is not set: " +
        "set RAGBITS_SECRET_KEY to the same secret on every replica (e.g. `openssl rand -hex 32`), so each one accepts the conversation state the others signed",
    });
  }
  return openStores(databaseUrl, { ...(options.database ? { postgres: options.database } : {}), logger });
}
