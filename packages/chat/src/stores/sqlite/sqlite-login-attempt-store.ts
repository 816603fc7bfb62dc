import type BetterSqlite3 from "better-sqlite3";
import { type LoginAttemptStore, type LoginFailures } from "../../auth/login-attempt-store";
import { StoreError } from "../store-error";
import { type SqliteDatabase, connectSqlite } from "./sqlite-database";

interface FailureRow {
  key: string;
  count: number;
  reset_at: number;
}

interface Statements {
  select: BetterSqlite3.Statement<[string, number], FailureRow>;
  record: BetterSqlite3.Statement<{ key: string; now: number; reset_at: number }>;
  remove: BetterSqlite3.Statement<[string]>;
  removeExpired: BetterSqlite3.Statement<[number]>;
}

/** Failed logins counted in the SQLite file: one count for every process on the machine. */
export class SqliteLoginAttemptStore implements LoginAttemptStore {
  private prepared: Statements | undefined;
  private closed = false;

  constructor(private readonly database: SqliteDatabase) {}

  async failures(keys: readonly string[], now: number): Promise<Map<string, LoginFailures>> {
    const { select } = await this.statements();
    const open = new Map<string, LoginFailures>();
    for (const key of keys) {
      const row = select.get(key, now);
      if (row) open.set(key, { count: row.count, resetAt: row.reset_at });
    }
    return open;
  }

  async recordFailure(keys: readonly string[], windowMs: number, now: number): Promise<void> {
    const { record } = await this.statements();
    // One statement per key is atomic in SQLite, also against other processes (the file's write lock).
    for (const key of new Set(keys)) record.run({ key, now, reset_at: now + windowMs });
  }

  async reset(keys: readonly string[]): Promise<void> {
    const { remove } = await this.statements();
    for (const key of keys) remove.run(key);
  }

  /** Deletes windows that closed before `now` (the stores' sweeper calls it). */
  async deleteExpired(now = Date.now()): Promise<void> {
    const { removeExpired } = await this.statements();
    removeExpired.run(now);
  }

  async close(): Promise<void> {
    this.closed = true;
    this.prepared = undefined;
  }

  private async statements(): Promise<Statements> {
    if (this.closed) throw new StoreError({ code: "closed", message: "the login attempt store is closed" });
    const db = await connectSqlite(this.database);
    this.prepared ??= {
      select: db.prepare<[string, number], FailureRow>("SELECT key, count, reset_at FROM login_failures WHERE key = ? AND reset_at > ?"),
      record: db.prepare(
        `INSERT INTO login_failures (key, count, reset_at) VALUES (@key, 1, @reset_at)
         ON CONFLICT (key) DO UPDATE SET
           count = CASE WHEN reset_at <= @now THEN 1 ELSE count + 1 END,
           reset_at = CASE WHEN reset_at <= @now THEN excluded.reset_at ELSE reset_at END`,
      ),
      remove: db.prepare<[string]>("DELETE FROM login_failures WHERE key = ?"),
      removeExpired: db.prepare<[number]>("DELETE FROM login_failures WHERE reset_at <= ?"),
    };
    return this.prepared;
  }
}
