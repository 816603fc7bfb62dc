import { AUTH_STATE_RETENTION_MS, type AuthStateLookup, type AuthStateStore } from "../../auth/oidc/auth-state-store";
import { StoreError } from "../store-error";
import { type PostgresDatabase } from "./postgres-database";

/**
 * Started OAuth2 sign-ins in PostgreSQL, shared by every replica: the sign-in started on one is
 * finished by whichever replica the callback reaches, and only once (one atomic UPDATE takes it).
 */
export class PostgresAuthStateStore implements AuthStateStore {
  private closed = false;

  constructor(private readonly database: PostgresDatabase) {}

  async put(key: string, record: string, expiresAt: number): Promise<void> {
    this.assertOpen();
    await this.database.query("saving a started sign-in", "INSERT INTO ragbits_auth_states (key_hash, record, expires_at) VALUES ($1, $2, $3)", [key, record, expiresAt]);
  }

  async take(key: string, now = Date.now()): Promise<AuthStateLookup> {
    this.assertOpen();
    // The row is locked, its record read and cleared in one statement: a second taker waits, then
    // finds the record gone (READ COMMITTED re-checks the condition on the updated row).
    const taken = await this.database.query<{ record: string }>(
      "finishing a sign-in",
      `WITH live AS (
         SELECT key_hash, record FROM ragbits_auth_states
          WHERE key_hash = $1 AND record IS NOT NULL AND expires_at > $2
          FOR UPDATE
       )
       UPDATE ragbits_auth_states AS s SET record = NULL FROM live WHERE s.key_hash = live.key_hash
       RETURNING live.record`,
      [key, now],
    );
    if (taken[0]) return { status: "taken", record: taken[0].record };
    const rows = await this.database.query<{ used: boolean; expires_at: string }>("reading a started sign-in", "SELECT record IS NULL AS used, expires_at FROM ragbits_auth_states WHERE key_hash = $1", [key]);
    const row = rows[0];
    if (!row || Number(row.expires_at) + AUTH_STATE_RETENTION_MS <= now) return { status: "unknown" };
    return { status: row.used ? "used" : "expired" };
  }

  /** Forgets keys that expired more than AUTH_STATE_RETENTION_MS before `now` (the stores' sweeper calls it). */
  async deleteExpired(now = Date.now()): Promise<void> {
    await this.database.query("deleting old sign-in states", "DELETE FROM ragbits_auth_states WHERE expires_at <= $1", [now - AUTH_STATE_RETENTION_MS]);
  }

  async close(): Promise<void> {
    this.closed = true;
  }

  private assertOpen(): void {
    if (this.closed) throw new StoreError({ code: "closed", message: "the sign-in state store is closed" });
  }
}
