import { type SessionStore, newSessionId, sessionIdHash } from "../../auth/session-store";
import { type User } from "../../interface/chat-context";
import { StoreError } from "../store-error";
import { userJson } from "../user-json";
import { type PostgresDatabase } from "./postgres-database";

/**
 * Sessions in PostgreSQL, shared by every replica: a login on one is valid on all, a logout on one
 * is refused by all at once (nothing is cached). Ids are stored hashed; expiry uses this process's
 * clock, so keep replicas' clocks in sync (NTP), as any cookie expiry does.
 */
export class PostgresSessionStore implements SessionStore {
  private closed = false;

  constructor(private readonly database: PostgresDatabase) {}

  async create(user: User, ttlMs: number): Promise<string> {
    this.assertOpen();
    const id = newSessionId();
    await this.database.query("starting a session", "INSERT INTO ragbits_sessions (id_hash, user_json, expires_at) VALUES ($1, $2, $3)", [sessionIdHash(id), userJson(user), Date.now() + ttlMs]);
    return id;
  }

  async get(sessionId: string): Promise<User | undefined> {
    this.assertOpen();
    const rows = await this.database.query<{ user_json: User }>("reading a session", "SELECT user_json FROM ragbits_sessions WHERE id_hash = $1 AND expires_at > $2", [sessionIdHash(sessionId), Date.now()]);
    return rows[0]?.user_json;
  }

  async delete(sessionId: string): Promise<void> {
    this.assertOpen();
    await this.database.query("ending a session", "DELETE FROM ragbits_sessions WHERE id_hash = $1", [sessionIdHash(sessionId)]);
  }

  /** Deletes the sessions that expired before `now` (the stores' sweeper calls it). */
  async deleteExpired(now = Date.now()): Promise<void> {
    await this.database.query("deleting expired sessions", "DELETE FROM ragbits_sessions WHERE expires_at <= $1", [now]);
  }

  async close(): Promise<void> {
    this.closed = true;
  }

  private assertOpen(): void {
    if (this.closed) throw new StoreError({ code: "closed", message: "the session store is closed" });
  }
}
