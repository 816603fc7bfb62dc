import type BetterSqlite3 from "better-sqlite3";
import { AUTH_STATE_RETENTION_MS, type AuthStateLookup, type AuthStateStore } from "../../auth/oidc/auth-state-store";
import { StoreError } from "../store-error";
import { type SqliteDatabase, connectSqlite } from "./sqlite-database";

interface Statements {
  insert: BetterSqlite3.Statement<[string, string, number]>;
  select: BetterSqlite3.Statement<[string], { record: string | null; expires_at: number }>;
  markUsed: BetterSqlite3.Statement<[string]>;
  removeForgotten: BetterSqlite3.Statement<[number]>;
  take: (key: string, now: number) => AuthStateLookup;
}

/** Started OAuth2 sign-ins in the SQLite file: the callback may reach any process on the machine. */
export class SqliteAuthStateStore implements AuthStateStore {
  private prepared: Statements | undefined;
  private closed = false;

  constructor(private readonly database: SqliteDatabase) {}

  async put(key: string, record: string, expiresAt: number): Promise<void> {
    const { insert } = await this.statements();
    insert.run(key, record, expiresAt);
  }

  async take(key: string, now = Date.now()): Promise<AuthStateLookup> {
    const { take } = await this.statements();
    return take(key, now);
  }

  /** Forgets keys that expired more than AUTH_STATE_RETENTION_MS before `now` (the stores' sweeper calls it). */
  async deleteExpired(now = Date.now()): Promise<void> {
    const { removeForgotten } = await this.statements();
    removeForgotten.run(now - AUTH_STATE_RETENTION_MS);
  }

  async close(): Promise<void> {
    this.closed = true;
    this.prepared = undefined;
  }

  private async statements(): Promise<Statements> {
    if (this.closed) throw new StoreError({ code: "closed", message: "the sign-in state store is closed" });
    const db = await connectSqlite(this.database);
    if (!this.prepared) {
      const select = db.prepare<[string], { record: string | null; expires_at: number }>("SELECT record, expires_at FROM auth_states WHERE key_hash = ?");
      const markUsed = db.prepare<[string]>("UPDATE auth_states SET record = NULL WHERE key_hash = ?");
      // IMMEDIATE takes the file's write lock before reading: two processes cannot both take one key.
      const takeOnce = db.transaction((key: string, now: number): AuthStateLookup => {
        const row = select.get(key);
        if (!row || row.expires_at + AUTH_STATE_RETENTION_MS <= now) return { status: "unknown" };
        if (row.record === null) return { status: "used" };
        if (row.expires_at <= now) return { status: "expired" };
        // The secrets go; the key stays, so a replay is recognised as one.
        markUsed.run(key);
        return { status: "taken", record: row.record };
      });
      this.prepared = {
        insert: db.prepare<[string, string, number]>("INSERT INTO auth_states (key_hash, record, expires_at) VALUES (?, ?, ?)"),
        select,
        markUsed,
        removeForgotten: db.prepare<[number]>("DELETE FROM auth_states WHERE expires_at <= ?"),
        take: (key, now) => takeOnce.immediate(key, now),
      };
    }
    return this.prepared;
  }
}
