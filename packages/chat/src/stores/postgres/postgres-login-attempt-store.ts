import { type LoginAttemptStore, type LoginFailures } from "../../auth/login-attempt-store";
import { StoreError } from "../store-error";
import { type PostgresDatabase } from "./postgres-database";

/**
 * Failed logins counted in PostgreSQL: one count across every replica. Each failure is one atomic
 * upsert, so concurrent failures on several replicas all count.
 */
export class PostgresLoginAttemptStore implements LoginAttemptStore {
  private closed = false;

  constructor(private readonly database: PostgresDatabase) {}

  async failures(keys: readonly string[], now: number): Promise<Map<string, LoginFailures>> {
    this.assertOpen();
    const rows = await this.database.query<{ key: string; count: number; reset_at: string }>(
      "reading login failures",
      "SELECT key, count, reset_at FROM ragbits_login_failures WHERE key = ANY($1::text[]) AND reset_at > $2",
      [[...keys], now],
    );
    return new Map(rows.map((row) => [row.key, { count: row.count, resetAt: Number(row.reset_at) }]));
  }

  async recordFailure(keys: readonly string[], windowMs: number, now: number): Promise<void> {
    this.assertOpen();
    // Distinct keys: one statement may not update the same row twice.
    await this.database.query(
      "counting a failed login",
      `INSERT INTO ragbits_login_failures AS f (key, count, reset_at)
         SELECT key, 1, $2 FROM unnest($1::text[]) AS key
       ON CONFLICT (key) DO UPDATE SET
         count = CASE WHEN f.reset_at <= $3 THEN 1 ELSE f.count + 1 END,
         reset_at = CASE WHEN f.reset_at <= $3 THEN EXCLUDED.reset_at ELSE f.reset_at END`,
      [[...new Set(keys)], now + windowMs, now],
    );
  }

  async reset(keys: readonly string[]): Promise<void> {
    this.assertOpen();
    await this.database.query("resetting login failures", "DELETE FROM ragbits_login_failures WHERE key = ANY($1::text[])", [[...keys]]);
  }

  /** Deletes windows that closed before `now` (the stores' sweeper calls it). */
  async deleteExpired(now = Date.now()): Promise<void> {
    await this.database.query("deleting old login failures", "DELETE FROM ragbits_login_failures WHERE reset_at <= $1", [now]);
  }

  async close(): Promise<void> {
    this.closed = true;
  }

  private assertOpen(): void {
    if (this.closed) throw new StoreError({ code: "closed", message: "the login attempt store is closed" });
  }
}
