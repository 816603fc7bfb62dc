import type BetterSqlite3 from "better-sqlite3";
import { type SessionStore, newSessionId, sessionIdHash } from "../../auth/session-store";
import { type User } from "../../interface/chat-context";
import { StoreError } from "../store-error";
import { userJson } from "../user-json";
import { type SqliteDatabase, connectSqlite } from "./sqlite-database";

interface Statements {
  insert: BetterSqlite3.Statement<[string, string, number]>;
  select: BetterSqlite3.Statement<[string, number], { user: string }>;
  remove: BetterSqlite3.Statement<[string]>;
  removeExpired: BetterSqlite3.Statement<[number]>;
}

/** Sessions in the SQLite file, shared by every process on the machine that opens it. Ids are stored hashed. */
export class SqliteSessionStore implements SessionStore {
  private prepared: Statements | undefined;
  private closed = false;

  constructor(private readonly database: SqliteDatabase) {}

  async create(user: User, ttlMs: number): Promise<string> {
    const { insert } = await this.statements();
    const id = newSessionId();
    insert.run(sessionIdHash(id), userJson(user), Date.now() + ttlMs);
    return id;
  }

  async get(sessionId: string): Promise<User | undefined> {
    const { select } = await this.statements();
    const row = select.get(sessionIdHash(sessionId), Date.now());
    return row ? (JSON.parse(row.user) as User) : undefined;
  }

  async delete(sessionId: string): Promise<void> {
    const { remove } = await this.statements();
    remove.run(sessionIdHash(sessionId));
  }

  /** Deletes the sessions that expired before `now` (the stores' sweeper calls it). */
  async deleteExpired(now = Date.now()): Promise<void> {
    const { removeExpired } = await this.statements();
    removeExpired.run(now);
  }

  async close(): Promise<void> {
    this.closed = true;
    this.prepared = undefined;
  }

  private async statements(): Promise<Statements> {
    if (this.closed) throw new StoreError({ code: "closed", message: "the session store is closed" });
    const db = await connectSqlite(this.database);
    this.prepared ??= {
      insert: db.prepare<[string, string, number]>("INSERT INTO sessions (id_hash, user, expires_at) VALUES (?, ?, ?)"),
      select: db.prepare<[string, number], { user: string }>("SELECT user FROM sessions WHERE id_hash = ? AND expires_at > ?"),
      remove: db.prepare<[string]>("DELETE FROM sessions WHERE id_hash = ?"),
      removeExpired: db.prepare<[number]>("DELETE FROM sessions WHERE expires_at <= ?"),
    };
    return this.prepared;
  }
}
