import { setTimeout as sleep } from "node:timers/promises";
import { type StoreLogger } from "../store-logger";

export interface SaveRetryQueueOptions<T> {
  /** Most items kept; past it the oldest are dropped (and the loss logged). */
  limit: number;
  /** Writes one item; throws when it cannot. */
  save: (item: T) => Promise<void>;
  /** Whether a failure is worth retrying later (the database is unreachable), or final for this item. */
  isRetryable: (error: unknown) => boolean;
  /** How an item is named in logs (ids only: never user content). */
  describe: (item: T) => Record<string, unknown>;
  logger: StoreLogger;
  /** First wait between attempts, doubled after each failed one up to maxDelayMs (default 250 ms … 10 s). */
  minDelayMs?: number;
  maxDelayMs?: number;
}

/**
 * Writes that could not reach the database, kept in memory (bounded) and retried in order with
 * backoff until it answers again. Decision for interactions finished during an outage: they are
 * saved late rather than lost; the loss is logged once (with a count) when the queue overflows, and
 * once when the process stops before the database came back.
 */
export class SaveRetryQueue<T> {
  private readonly items: T[] = [];
  private readonly minDelayMs: number;
  private readonly maxDelayMs: number;
  private retrying: Promise<void> | undefined;
  private wake: AbortController | undefined;
  private stopped = false;
  /** Counts for the current outage, logged when it ends. */
  private queued = 0;
  private dropped = 0;

  constructor(private readonly options: SaveRetryQueueOptions<T>) {
    this.minDelayMs = options.minDelayMs ?? 250;
    this.maxDelayMs = options.maxDelayMs ?? 10_000;
  }

  /** Items waiting for the database. */
  get size(): number {
    return this.items.length;
  }

  /** Keeps an item for a later attempt and makes sure the retry loop runs. */
  push(item: T): void {
    if (this.queued === 0) this.options.logger.warn({ limit: this.options.limit }, "PostgreSQL is unavailable: finished interactions are kept in memory and saved when it is back");
    this.queued++;
    this.items.push(item);
    if (this.items.length > this.options.limit) {
      const oldest = this.items.shift()!;
      if (this.dropped === 0) {
        this.options.logger.error({ limit: this.options.limit, ...this.options.describe(oldest) }, "the queue of unsaved interactions is full: the oldest are dropped and lost");
      }
      this.dropped++;
    }
    this.retrying ??= this.retryLoop().finally(() => (this.retrying = undefined));
  }

  /**
   * Stops retrying in the background and makes a last attempt, for at most `deadlineMs`; what is left
   * is logged as lost. Resolves with the number of items lost.
   */
  async close(deadlineMs: number): Promise<number> {
    this.stopped = true;
    this.wake?.abort();
    await this.retrying;
    const deadline = Date.now() + deadlineMs;
    while (this.items.length > 0 && Date.now() < deadline) {
      if (!(await this.attempt())) break;
    }
    const lost = this.items.length + this.dropped;
    if (this.items.length > 0) {
      // The one line about this outage's loss (the overflow, if any, was logged when it began).
      this.options.logger.error({ lost: this.items.length }, "interactions could not be saved before the server stopped (PostgreSQL unavailable) and are lost");
      this.queued = 0;
      this.dropped = 0;
    } else {
      this.report();
    }
    this.items.length = 0;
    return lost;
  }

  private async retryLoop(): Promise<void> {
    let delay = this.minDelayMs;
    while (this.items.length > 0 && !this.stopped) {
      this.wake = new AbortController();
      await sleep(delay, undefined, { signal: this.wake.signal, ref: false }).catch(() => undefined);
      if (this.stopped) return;
      if (await this.attempt()) delay = this.minDelayMs;
      else delay = Math.min(delay * 2, this.maxDelayMs);
    }
    if (this.items.length === 0) this.report();
  }

  /** Saves queued items in order until one fails to reach the database; false when that happened. */
  private async attempt(): Promise<boolean> {
    while (this.items.length > 0) {
      const item = this.items[0]!;
      try {
        await this.options.save(item);
      } catch (error) {
        if (this.options.isRetryable(error)) return false;
        // Final for this item (refused by the database): drop it, and go on with the others.
        this.options.logger.error({ ...this.options.describe(item), err: error }, "a queued interaction was refused by the database and is lost");
      }
      this.items.shift();
    }
    return true;
  }

  /** The end of an outage: how many waited, how many were lost. */
  private report(): void {
    if (this.queued === 0) return;
    const saved = this.queued - this.dropped - this.items.length;
    this.options.logger.info({ queued: this.queued, saved, lost: this.dropped + this.items.length }, "interactions that waited for PostgreSQL are saved");
    this.queued = 0;
    this.dropped = 0;
  }
}
