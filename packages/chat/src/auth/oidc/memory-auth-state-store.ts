import { StoreError } from "../../stores/store-error";
import { AUTH_STATE_RETENTION_MS, type AuthStateLookup, type AuthStateStore } from "./auth-state-store";

/** Past this many keys, forgotten ones are pruned on the next put. */
const PRUNE_ABOVE = 10_000;
/**
 * The most keys kept: past it the oldest go first, so a flood of started sign-ins costs bounded memory
 * (it can only push out other pending sign-ins, which then start again).
 */
const MAX_ENTRIES = 100_000;

/** Started sign-ins in this process's memory: the default for one process (the callback must come back to it). */
export class MemoryAuthStateStore implements AuthStateStore {
  private readonly entries = new Map<string, { record: string | null; expiresAt: number }>();
  private closed = false;

  async put(key: string, record: string, expiresAt: number): Promise<void> {
    this.assertOpen();
    if (this.entries.size >= PRUNE_ABOVE) this.prune(Date.now());
    this.entries.set(key, { record, expiresAt });
  }

  async take(key: string, now = Date.now()): Promise<AuthStateLookup> {
    this.assertOpen();
    const entry = this.entries.get(key);
    if (!entry || entry.expiresAt + AUTH_STATE_RETENTION_MS <= now) return { status: "unknown" };
    if (entry.record === null) return { status: "used" };
    if (entry.expiresAt <= now) return { status: "expired" };
    const record = entry.record;
    // Kept without its secrets, so a replay is recognised as one.
    entry.record = null;
    return { status: "taken", record };
  }

  async close(): Promise<void> {
    this.closed = true;
    this.entries.clear();
  }

  private assertOpen(): void {
    if (this.closed) throw new StoreError({ code: "closed", message: "the sign-in state store is closed" });
  }

  private prune(now: number): void {
    for (const [key, entry] of this.entries) if (entry.expiresAt + AUTH_STATE_RETENTION_MS <= now) this.entries.delete(key);
    // A Map iterates in insertion order: the first keys are the oldest.
    for (const key of this.entries.keys()) {
      if (this.entries.size < MAX_ENTRIES) break;
      this.entries.delete(key);
    }
  }
}
