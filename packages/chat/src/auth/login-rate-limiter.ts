import { type LoginAttemptStore } from "./login-attempt-store";
import { MemoryLoginAttemptStore } from "./memory-login-attempt-store";

export interface LoginRateLimit {
  /** Failed attempts allowed per window, per client address and per username. */
  maxFailures: number;
  windowMs: number;
}

export const DEFAULT_LOGIN_RATE_LIMIT: LoginRateLimit = { maxFailures: 5, windowMs: 15 * 60 * 1000 };

/**
 * Slows password guessing: after `maxFailures` failed logins within the window from one address, or
 * against one username, further attempts are refused until the window passes. The counts live in a
 * LoginAttemptStore (memory by default; the database with `databaseUrl`, shared by every replica).
 */
export class LoginRateLimiter {
  constructor(
    private readonly limit: LoginRateLimit = DEFAULT_LOGIN_RATE_LIMIT,
    private readonly store: LoginAttemptStore = new MemoryLoginAttemptStore(),
  ) {}

  /** Milliseconds until these keys may try again; 0 when they may now. */
  async retryAfterMs(keys: readonly string[], now = Date.now()): Promise<number> {
    let wait = 0;
    for (const entry of (await this.store.failures(keys, now)).values()) {
      if (entry.count >= this.limit.maxFailures) wait = Math.max(wait, entry.resetAt - now);
    }
    return wait;
  }

  recordFailure(keys: readonly string[], now = Date.now()): Promise<void> {
    return this.store.recordFailure(keys, this.limit.windowMs, now);
  }

  reset(keys: readonly string[]): Promise<void> {
    return this.store.reset(keys);
  }
}
