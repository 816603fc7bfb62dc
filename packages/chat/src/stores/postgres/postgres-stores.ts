import { ExpirySweeper } from "../expiry-sweeper";
import { type ServerStores } from "../server-stores";
import { type StoreLogger, processWarningLogger } from "../store-logger";
import { PostgresAuthStateStore } from "./postgres-auth-state-store";
import { PostgresDatabase } from "./postgres-database";
import { PostgresHistoryStore } from "./postgres-history-store";
import { PostgresLoginAttemptStore } from "./postgres-login-attempt-store";
import { type PostgresOptions } from "./postgres-options";
import { PostgresSessionStore } from "./postgres-session-store";
import { PostgresTurnRelay } from "./postgres-turn-relay";

/**
 * Every store in one PostgreSQL database (`postgres://…`): any number of replicas behind a load
 * balancer, sharing sessions, login limits, conversations and feedback. One connection pool serves all.
 */
export class PostgresStores implements ServerStores {
  readonly kind = "postgres";
  readonly database: PostgresDatabase;
  readonly sessions: PostgresSessionStore;
  readonly loginAttempts: PostgresLoginAttemptStore;
  readonly authStates: PostgresAuthStateStore;
  readonly history: PostgresHistoryStore;
  /** Resumable turns across replicas: events, heartbeats, stop requests (LISTEN/NOTIFY). */
  readonly turnRelay: PostgresTurnRelay;
  private sweeper: ExpirySweeper | undefined;
  private closing: Promise<void> | undefined;

  constructor(url: string, options: PostgresOptions = {}, logger: StoreLogger = processWarningLogger) {
    this.database = new PostgresDatabase(url, options, logger);
    this.sessions = new PostgresSessionStore(this.database);
    this.loginAttempts = new PostgresLoginAttemptStore(this.database);
    this.authStates = new PostgresAuthStateStore(this.database);
    this.history = new PostgresHistoryStore(this.database, { logger, ...(options.retryQueueLimit === undefined ? {} : { retryQueueLimit: options.retryQueueLimit }) });
    this.turnRelay = new PostgresTurnRelay(this.database, logger, options.resumableTurns);
  }

  /** Connects and migrates the schema under the advisory lock (replicas starting together take turns). */
  async open(): Promise<void> {
    await this.database.open();
    this.sweeper ??= new ExpirySweeper(async () => {
      await this.sessions.deleteExpired();
      await this.loginAttempts.deleteExpired();
      await this.authStates.deleteExpired();
    });
  }

  async ping(): Promise<void> {
    await this.database.ping();
  }

  /** Saves what the history queue holds (bounded), then closes the pool. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      this.sweeper?.stop();
      await this.turnRelay.close();
      await Promise.all([this.history.close(), this.sessions.close(), this.loginAttempts.close(), this.authStates.close()]);
      await this.database.close();
    })();
    return this.closing;
  }
}
