import { createHash, randomBytes } from "node:crypto";
import { type User } from "../interface/chat-context";

export const DEFAULT_SESSION_TTL_MS = 24 * 60 * 60 * 1000;

/**
 * Where signed-in sessions live: the cookie carries only an unguessable id. In memory for one process
 * (the default); in SQLite or PostgreSQL when several processes must share them (`databaseUrl`), so a
 * user signed in through one replica is signed in on all, and a logout on one is a logout everywhere.
 * Implementations must not cache: a deleted session must be refused at once by every replica.
 */
export interface SessionStore {
  /** Starts a session for `user` that ends after `ttlMs`; resolves with its id (for the cookie). */
  create(user: User, ttlMs: number): Promise<string>;
  /** The session's user; undefined for an unknown, deleted or expired id. */
  get(sessionId: string): Promise<User | undefined>;
  /** Ends the session (nothing happens for an unknown id). */
  delete(sessionId: string): Promise<void>;
  /** Releases timers and connections; later calls are rejected. Closing twice is harmless. */
  close(): Promise<void>;
}

/** 256 random bits, URL-safe: the session id in the cookie. */
export function newSessionId(): string {
  return randomBytes(32).toString("base64url");
}

/**
 * What a database stores instead of the id: whoever reads the table (a backup, a leaked dump) cannot
 * turn its rows into signed-in cookies. A plain hash suffices, since the id has 256 random bits.
 */
export function sessionIdHash(sessionId: string): string {
  return createHash("sha256").update(sessionId).digest("base64url");
}
