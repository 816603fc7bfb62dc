import { type ConnectionOptions } from "node:tls";
import { type PostgresTurnRelayOptions } from "./postgres-turn-relay";

/** How the PostgreSQL stores connect; every field has a default that suits a replica behind a load balancer. */
export interface PostgresOptions {
  /**
   * Most connections this process opens (default 10). Every replica opens up to this many: keep
   * replicas × maxConnections below the server's `max_connections` (100 by default).
   */
  maxConnections?: number | undefined;
  /** How long a request waits for a connection before it is answered 503 (default 2000 ms): fail fast when the database is down. */
  connectionTimeoutMs?: number | undefined;
  /** The server cancels any statement running longer (default 5000 ms; `statement_timeout`). */
  statementTimeoutMs?: number | undefined;
  /** Idle connections are closed after this long (default 30 000 ms). */
  idleTimeoutMs?: number | undefined;
  /**
   * TLS, as node-postgres takes it: `true`, or `tls.connect` options such as `{ ca, rejectUnauthorized }`.
   * When given it wins over the URL's `sslmode`; without it the URL decides (`?sslmode=require`,
   * `verify-full`, `no-verify`, `disable`).
   */
  ssl?: boolean | ConnectionOptions | undefined;
  /**
   * Interactions kept in memory while the database is unreachable, saved when it is back (default
   * 1000). Past this, the oldest are dropped and the loss is logged.
   */
  retryQueueLimit?: number | undefined;
  /** `application_name` the server shows in `pg_stat_activity` (default "ragbits-chat"). */
  applicationName?: string | undefined;
  /** Resumable turns across replicas: heartbeat, when a silent replica's turns count as orphaned, retention. */
  resumableTurns?: PostgresTurnRelayOptions | undefined;
}

export const POSTGRES_DEFAULTS = {
  maxConnections: 10,
  connectionTimeoutMs: 2_000,
  statementTimeoutMs: 5_000,
  idleTimeoutMs: 30_000,
  retryQueueLimit: 1_000,
  applicationName: "ragbits-chat",
} as const;
