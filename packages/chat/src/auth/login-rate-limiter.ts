export interface LoginRateLimit {
  /** Failed attempts allowed per window, per client address and per username. */
  maxFailures: number;
  windowMs: number;
}

export const DEFAULT_LOGIN_RATE_LIMIT: LoginRateLimit = { maxFailures: 5, windowMs: 15 * 60 * 1000 };

/**
 * Slows password guessing: after `maxFailures` failed logins within the window from one address, or
 * against one username, further attempts are refused until the window passes.
 */
export class LoginRateLimiter {
  private readonly failures = new Map<string, { count: number; resetAt: number }>();

  constructor(private readonly limit: LoginRateLimit = DEFAULT_LOGIN_RATE_LIMIT) {}

  /** Milliseconds until these keys may try again; 0 when they may now. */
  retryAfterMs(keys: string[], now = Date.now()): number {
    let wait = 0;
    for (const key of keys) {
      const entry = this.failures.get(key);
      if (!entry) continue;
      if (entry.resetAt <= now) this.failures.delete(key);
      else if (entry.count >= this.limit.maxFailures) wait = Math.max(wait, entry.resetAt - now);
    }
    return wait;
  }

  recordFailure(keys: string[], now = Date.now()): void {
    for (const key of keys) {
      const entry = this.failures.get(key);
      if (!entry || entry.resetAt <= now) this.failures.set(key, { count: 1, resetAt: now + this.limit.windowMs });
      else entry.count++;
    }
    if (this.failures.size > 100_000) this.prune(now);
  }

  reset(keys: string[]): void {
    for (const key of keys) this.failures.delete(key);
  }

  private prune(now: number): void {
    for (const [key, entry] of this.failures) if (entry.resetAt <= now) this.failures.delete(key);
  }
}
