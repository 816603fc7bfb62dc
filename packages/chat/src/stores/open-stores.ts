import { parseDatabaseUrl } from "./database-url";
import { MemoryStores } from "./memory/memory-stores";
import { PostgresStores } from "./postgres/postgres-stores";
import { type PostgresOptions } from "./postgres/postgres-options";
import { type ServerStores } from "./server-stores";
import { SqliteStores } from "./sqlite/sqlite-stores";
import { type StoreLogger, processWarningLogger } from "./store-logger";

export interface OpenStoresOptions {
  /** Connection settings for PostgreSQL (pool size, timeouts, TLS, retry queue). */
  postgres?: PostgresOptions | undefined;
  logger?: StoreLogger | undefined;
}

/**
 * The stores a `databaseUrl` names: none → memory (one process); `sqlite:<path>` → one SQLite file
 * (one machine); `postgres://…` / `postgresql://…` → PostgreSQL (many replicas). Nothing connects
 * until `open()`; a malformed URL is a StoreError "invalid-configuration" now.
 */
export function openStores(databaseUrl: string | undefined, options: OpenStoresOptions = {}): ServerStores {
  if (databaseUrl === undefined || databaseUrl.trim() === "") return new MemoryStores();
  const target = parseDatabaseUrl(databaseUrl);
  if (target.kind === "sqlite") return new SqliteStores(target.path);
  return new PostgresStores(target.url, options.postgres, options.logger ?? processWarningLogger);
}
