import { SqliteHistoryStore } from "../../history/sqlite-history-store";
import { ExpirySweeper } from "../expiry-sweeper";
import { type ServerStores } from "../server-stores";
import { SqliteAuthStateStore } from "./sqlite-auth-state-store";
import { SqliteDatabase } from "./sqlite-database";
import { SqliteLoginAttemptStore } from "./sqlite-login-attempt-store";
import { SqliteSessionStore } from "./sqlite-session-store";

/** Every store in one SQLite file (`sqlite:<path>`): one machine, any number of processes on it. */
export class SqliteStores implements ServerStores {
  readonly kind = "sqlite";
  readonly database: SqliteDatabase;
  readonly sessions: SqliteSessionStore;
  readonly loginAttempts: SqliteLoginAttemptStore;
  readonly authStates: SqliteAuthStateStore;
  readonly history: SqliteHistoryStore;
  private sweeper: ExpirySweeper | undefined;

  constructor(path: string) {
    this.database = new SqliteDatabase({ path });
    this.sessions = new SqliteSessionStore(this.database);
    this.loginAttempts = new SqliteLoginAttemptStore(this.database);
    this.authStates = new SqliteAuthStateStore(this.database);
    this.history = new SqliteHistoryStore({ database: this.database });
  }

  async open(): Promise<void> {
    await this.database.open();
    this.sweeper ??= new ExpirySweeper(async () => {
      await this.sessions.deleteExpired();
      await this.loginAttempts.deleteExpired();
      await this.authStates.deleteExpired();
    });
  }

  async ping(): Promise<void> {
    await this.history.ping();
  }

  async close(): Promise<void> {
    this.sweeper?.stop();
    await Promise.all([this.sessions.close(), this.loginAttempts.close(), this.authStates.close(), this.history.close()]);
    await this.database.close();
  }
}
