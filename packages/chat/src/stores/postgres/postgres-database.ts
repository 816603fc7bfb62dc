import type Pg from "pg";
import { StoreError } from "../store-error";
import { type StoreLogger } from "../store-logger";
import { describeDatabaseUrl } from "../database-url";
import { loadPg } from "./load-pg";
import { POSTGRES_DEFAULTS, type PostgresOptions } from "./postgres-options";
import { isUnavailable, type StoreErrorClass, toStoreError } from "./postgres-errors";
import { migratePostgres } from "./postgres-schema";

/** The part of a pg client the stores use: pg's own types stay out of the package's public types. */
export interface PostgresClient {
  query<Row = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<{ rows: Row[] }>;
}

/** A connection of its own, outside the pool: for LISTEN, whose notifications arrive on the connection that listens. */
export interface PostgresDedicatedClient extends PostgresClient {
  on(event: "notification", listener: (message: { channel: string; payload?: string | undefined }) => void): unknown;
  on(event: "error", listener: (error: Error) => void): unknown;
  on(event: "end", listener: () => void): unknown;
  end(): Promise<void>;
}

/** URL parameters that configure TLS: dropped from the URL when the `ssl` option is given, so the option wins. */
const TLS_PARAMETERS = ["sslmode", "ssl", "sslcert", "sslkey", "sslrootcert", "uselibpqcompat"];

/**
 * One connection pool to PostgreSQL, shared by the stores kept there. Loads `pg` on first use. Every
 * failure becomes a StoreError; outages ("unavailable") are logged once when they start and once when
 * the database answers again, and the pool's own 'error' events (an idle connection the server
 * closed) are handled, so a database going away never crashes the process. The pool reconnects by
 * itself: nothing is cached across an outage.
 */
export class PostgresDatabase {
  /** The URL without its password, for messages. */
  readonly description: string;
  private readonly options: Required<Omit<PostgresOptions, "ssl" | "resumableTurns">> & Pick<PostgresOptions, "ssl">;
  private pool: Promise<Pg.Pool> | undefined;
  private migrated: Promise<void> | undefined;
  private closed = false;
  private down = false;

  constructor(
    private readonly url: string,
    options: PostgresOptions = {},
    private readonly logger: StoreLogger,
  ) {
    this.description = describeDatabaseUrl(url);
    this.options = { ...POSTGRES_DEFAULTS, ...definedOnly(options) };
  }

  /** Connects and brings the schema up to date (once; a failed attempt is tried again on the next call). */
  open(): Promise<void> {
    this.assertOpen();
    this.migrated ??= this.withClient("migrating the schema", (client) => migratePostgres(client)).catch((error: unknown) => {
      this.migrated = undefined;
      throw error;
    });
    return this.migrated;
  }

  /** Runs one statement on any pooled connection; the rows it returned. */
  async query<Row extends Record<string, unknown>>(what: string, sql: string, params: unknown[] = [], ErrorClass?: StoreErrorClass): Promise<Row[]> {
    const pool = await this.connectPool(ErrorClass);
    try {
      const result = await pool.query<Row>(sql, params);
      this.noteSuccess();
      return result.rows;
    } catch (error) {
      throw this.failure(error, what, ErrorClass);
    }
  }

  /** Runs `work` on one connection of its own (for transactions and session-level locks). */
  async withClient<T>(what: string, work: (client: PostgresClient) => Promise<T>, ErrorClass?: StoreErrorClass): Promise<T> {
    const pool = await this.connectPool(ErrorClass);
    let client: Pg.PoolClient;
    try {
      client = await pool.connect();
    } catch (error) {
      throw this.failure(error, what, ErrorClass);
    }
    // A checked-out client's connection may break mid-work: without a listener its 'error' event would crash the process.
    let broken: unknown;
    const onError = (error: unknown) => (broken = error);
    client.on("error", onError);
    try {
      const result = await work(client as unknown as PostgresClient);
      this.noteSuccess();
      client.off("error", onError);
      client.release();
      return result;
    } catch (error) {
      client.off("error", onError);
      // Its state is unknown (a transaction half done, a broken socket): never hand it to another caller.
      client.release(error instanceof Error ? error : new Error(String(error)));
      throw this.failure(broken ?? error, what, ErrorClass);
    }
  }

  /** Runs `work` in a transaction (BEGIN … COMMIT; ROLLBACK when it throws). */
  transaction<T>(what: string, work: (client: PostgresClient) => Promise<T>, ErrorClass?: StoreErrorClass): Promise<T> {
    return this.withClient(
      what,
      async (client) => {
        await client.query("BEGIN");
        try {
          const result = await work(client);
          await client.query("COMMIT");
          return result;
        } catch (error) {
          await client.query("ROLLBACK").catch(() => undefined);
          throw error;
        }
      },
      ErrorClass,
    );
  }

  /**
   * Opens a connection outside the pool, with the pool's settings (TLS, timeouts, application name).
   * The caller listens for its 'error' and 'end' and ends it.
   */
  async connectDedicated(what: string): Promise<PostgresDedicatedClient> {
    this.assertOpen();
    const pg = await loadPg();
    const { connectionTimeoutMs, applicationName, ssl } = this.options;
    const client = new pg.Client({
      connectionString: ssl === undefined ? this.url : withoutTlsParameters(this.url),
      ...(ssl === undefined ? {} : { ssl }),
      connectionTimeoutMillis: connectionTimeoutMs,
      application_name: applicationName,
      keepAlive: true,
    });
    // Until the caller adds its own: a connection that breaks must never crash the process.
    const early = (error: unknown) => void this.failure(error, what);
    client.on("error", early);
    try {
      await client.connect();
    } catch (error) {
      throw this.failure(error, what);
    }
    client.off("error", early);
    this.noteSuccess();
    return client as unknown as PostgresDedicatedClient;
  }

  /** Resolves when the database answers a query. */
  async ping(): Promise<void> {
    await this.query("checking the database", "SELECT 1");
  }

  /** Waits for checked-out connections to be released, then closes them all. Closing again does nothing. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const pool = await this.pool?.catch(() => undefined);
    this.pool = undefined;
    await pool?.end().catch(() => undefined);
  }

  private connectPool(ErrorClass: StoreErrorClass = StoreError): Promise<Pg.Pool> {
    if (this.closed) return Promise.reject(new ErrorClass({ code: "closed", message: `the PostgreSQL stores for ${this.description} are closed` }));
    this.pool ??= loadPg().then(
      (pg) => this.createPool(pg),
      (error: unknown) => {
        this.pool = undefined;
        throw error;
      },
    );
    return this.pool;
  }

  private createPool(pg: Awaited<ReturnType<typeof loadPg>>): Pg.Pool {
    const { maxConnections, connectionTimeoutMs, statementTimeoutMs, idleTimeoutMs, applicationName, ssl } = this.options;
    const pool = new pg.Pool({
      connectionString: ssl === undefined ? this.url : withoutTlsParameters(this.url),
      ...(ssl === undefined ? {} : { ssl }),
      max: maxConnections,
      connectionTimeoutMillis: connectionTimeoutMs,
      idleTimeoutMillis: idleTimeoutMs,
      // The server cancels slow statements; the client gives up too when the network itself hangs.
      statement_timeout: statementTimeoutMs,
      query_timeout: statementTimeoutMs + connectionTimeoutMs,
      application_name: applicationName,
      keepAlive: true,
      // An idle pool does not keep a process alive that has nothing else to do.
      allowExitOnIdle: true,
    });
    pool.on("error", (error) => this.failure(error, "an idle connection"));
    return pool;
  }

  /** Turns a failure into a StoreError, logging the start of an outage once. */
  private failure(error: unknown, what: string, ErrorClass?: StoreErrorClass): StoreError {
    const storeError = toStoreError(error, what, ErrorClass);
    if (isUnavailable(error) && !this.down && !this.closed) {
      this.down = true;
      this.logger.warn({ database: this.description, reason: storeError.message }, "PostgreSQL is unavailable: requests that need it are answered 503 until it is back");
    }
    return storeError;
  }

  private noteSuccess(): void {
    if (!this.down) return;
    this.down = false;
    this.logger.info({ database: this.description }, "PostgreSQL is reachable again");
  }

  private assertOpen(): void {
    if (this.closed) throw new StoreError({ code: "closed", message: `the PostgreSQL stores for ${this.description} are closed` });
  }
}

function withoutTlsParameters(url: string): string {
  const parsed = new URL(url);
  for (const name of TLS_PARAMETERS) parsed.searchParams.delete(name);
  return parsed.toString();
}

function definedOnly<T extends object>(options: T): Partial<T> {
  return Object.fromEntries(Object.entries(options).filter(([, value]) => value !== undefined)) as Partial<T>;
}
