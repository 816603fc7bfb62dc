/** What `take` finds under a key. */
export type AuthStateLookup =
  /** The record, handed out now; every later `take` of the key is "used". */
  | { status: "taken"; record: string }
  | { status: "used" }
  | { status: "expired" }
  | { status: "unknown" };

/**
 * Where started OAuth2 sign-ins wait for their callback, which may reach another replica than the
 * one that started them: in memory for one process; in SQLite or PostgreSQL (`databaseUrl`) for many.
 * Records are opaque (sealed by the caller) and keyed by a hash of the sign-in's `state`.
 *
 * `take` is the single-use check: atomic across every process sharing the store, so a callback
 * replayed at the same moment on two replicas signs in at most once. Used and expired keys are
 * remembered for AUTH_STATE_RETENTION_MS after they expire, so a replay is told apart from a forgery.
 */
export interface AuthStateStore {
  /** Keeps `record` under `key` (unique: a hash of 256 random bits) until `expiresAt` (ms since the epoch). */
  put(key: string, record: string, expiresAt: number): Promise<void>;
  /** The record under `key`, once: later calls see "used"; after `expiresAt` "expired"; never stored "unknown". */
  take(key: string, now?: number): Promise<AuthStateLookup>;
  /** Releases timers and connections; later calls are rejected. Closing twice is harmless. */
  close(): Promise<void>;
}

/** How long a used or expired key is kept after it expired (then it is forgotten: "unknown"). */
export const AUTH_STATE_RETENTION_MS = 60 * 60 * 1000;
