import { StoreError } from "../stores/store-error";
import { type LoginAttemptStore, type LoginFailures } from "./login-attempt-store";

/** Past this many keys, closed windows are pruned on the next failure, so an address scan cannot grow the map forever. */
const PRUNE_ABOVE = 100_000;

/** Failed logins counted in this process's memory: the zero-configuration default for one process. */
export class MemoryLoginAttemptStore implements LoginAttemptStore {
  private readonly entries = new Map<string, LoginFailures>();
  private closed = false;

  async failures(keys: readonly string[], now: number): Promise<Map<string, LoginFailures>> {
    this.assertOpen();
    const open = new Map<string, LoginFailures>();
    for (const key of keys) {
      const entry = this.entries.get(key);
      if (!entry) continue;
      if (entry.resetAt <= now) this.entries.delete(key);
      else open.set(key, { ...entry });
    }
    return open;
  }

  async recordFailure(keys: readonly string[], windowMs: number, now: number): Promise<void> {
    this.assertOpen();
    for (const key of new Set(keys)) {
      const entry = this.entries.get(key);
      if (!entry || entry.resetAt <= now) this.entries.set(key, { count: 1, resetAt: now + windowMs });
      else entry.count++;
    }
    if (this.entries.size > PRUNE_ABOVE) this.prune(now);
  }

  async reset(keys: readonly string[]): Promise<void> {
    this.assertOpen();
    for (const key of keys) this.entries.delete(key);
  }

  async close(): Promise<void> {
    this.closed = true;
    this.entries.clear();
  }

  private assertOpen(): void {
    if (this.closed) throw new StoreError({ code: "closed", message: "the login attempt store is closed" });
  }

  private prune(now: number): void {
    for (const [key, entry] of this.entries) if (entry.resetAt <= now) this.entries.delete(key);
  }
}
