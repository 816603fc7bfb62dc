/** The failed logins counted against one key (a username or a client address) in its open window. */
export interface LoginFailures {
  count: number;
  /** When the window ends and the count starts again from zero (ms since the epoch). */
  resetAt: number;
}

/**
 * Where failed logins are counted. In memory for one process; in SQLite or PostgreSQL when several
 * replicas must share one count, so an attacker cannot multiply the limit by the number of replicas.
 * Counting must be atomic: concurrent failures for one key, from any process, all count.
 */
export interface LoginAttemptStore {
  /** The failures of each key whose window is still open at `now` (keys without any are absent). */
  failures(keys: readonly string[], now: number): Promise<Map<string, LoginFailures>>;
  /** Counts one failure for each key: adds to its open window, or opens a new one ending at `now + windowMs`. */
  recordFailure(keys: readonly string[], windowMs: number, now: number): Promise<void>;
  /** Forgets the keys' failures (after a successful login). */
  reset(keys: readonly string[]): Promise<void>;
  /** Releases timers and connections; later calls are rejected. Closing twice is harmless. */
  close(): Promise<void>;
}
