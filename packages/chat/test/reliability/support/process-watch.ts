import { type AsyncHook, createHook } from "node:async_hooks";
import { runInThisContext } from "node:vm";
import { setTimeout as sleep } from "node:timers/promises";

/**
 * The real `process` object. Jest gives each test file a copy whose `on()` never sees the events the
 * real process emits; code evaluated in the main context gets the real one.
 */
export function realProcess(): NodeJS.Process {
  return runInThisContext("process") as NodeJS.Process;
}

/** Records unhandled rejections and uncaught exceptions (Jest also fails the running test on them). */
export class CrashRecorder {
  readonly unhandledRejections: unknown[] = [];
  readonly uncaughtExceptions: unknown[] = [];
  private readonly process = realProcess();
  private readonly onRejection = (reason: unknown) => void this.unhandledRejections.push(reason);
  private readonly onException = (error: unknown) => void this.uncaughtExceptions.push(error);

  install(): this {
    this.process.on("unhandledRejection", this.onRejection);
    // The monitor variant observes without changing what happens to the exception.
    this.process.on("uncaughtExceptionMonitor", this.onException);
    return this;
  }

  uninstall(): void {
    this.process.off("unhandledRejection", this.onRejection);
    this.process.off("uncaughtExceptionMonitor", this.onException);
  }

  /** Everything recorded, described, for an `expect(...).toEqual([])`. */
  get problems(): string[] {
    const describe = (kind: string) => (error: unknown) => `${kind}: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`;
    return [...this.unhandledRejections.map(describe("unhandled rejection")), ...this.uncaughtExceptions.map(describe("uncaught exception"))];
  }
}

interface TrackedHandle {
  seq: number;
  type: string;
  stack: string | undefined;
}

/** Async resource types that would be a leak if they outlived the case that created them. */
const TRACKED_TYPES = new Set(["Timeout", "TCPWRAP", "TCPSERVERWRAP"]);

/**
 * Process-wide timers, created lazily by whichever request comes first and gone after a second of
 * idleness: nobody's leak. Node's cached `Date` response header (`resetCache`, refreshed each second
 * while HTTP is served) and undici's shared tick (`onTick`). Recognised by their callback's name,
 * which is cheap enough to check for every timer of a storm.
 */
const PROCESS_WIDE_TIMERS = new Set(["resetCache", "onTick"]);

/**
 * Tracks timers and sockets with async_hooks, so a leak is caught even when the handle is unref'd
 * (`process.getActiveResourcesInfo()` does not list unref'd timers): everything a case created must
 * be destroyed once the case is over. With `stacks`, each leftover says where it was created.
 */
export class HandleTracker {
  private readonly live = new Map<number, TrackedHandle>();
  private seq = 0;
  private hook: AsyncHook | undefined;
  /** Set while the tracker creates its own timers, which are not the code under test's. */
  private ownTimer = false;

  constructor(private readonly options: { stacks?: boolean } = {}) {}

  enable(): this {
    this.hook = createHook({
      init: (asyncId, type, _triggerId, resource) => {
        if (this.ownTimer || !TRACKED_TYPES.has(type)) return;
        if (type === "Timeout" && PROCESS_WIDE_TIMERS.has((resource as { _onTimeout?: { name?: string } })._onTimeout?.name ?? "")) return;
        const stack = this.options.stacks ? new Error().stack?.split("\n").slice(5, 17).join("\n") : undefined;
        this.live.set(asyncId, { seq: ++this.seq, type, stack });
      },
      destroy: (asyncId) => void this.live.delete(asyncId),
    }).enable();
    return this;
  }

  disable(): void {
    this.hook?.disable();
    this.live.clear();
  }

  /** A point in time: handles created after it belong to what runs next. */
  mark(): number {
    return this.seq;
  }

  /** Handles created after `mark` that are still alive. */
  aliveSince(mark: number): TrackedHandle[] {
    return [...this.live.values()].filter((handle) => handle.seq > mark);
  }

  /** Waits until every handle created after `mark` is gone; returns those still alive at the deadline. */
  async settle(mark: number, timeoutMs = 3_000): Promise<string[]> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const alive = this.aliveSince(mark);
      if (alive.length === 0) return [];
      if (Date.now() > deadline) return alive.map((handle) => `${handle.type}${handle.stack ? `\n${handle.stack}` : ""}`);
      await this.pause(20);
    }
  }

  private pause(ms: number): Promise<void> {
    this.ownTimer = true;
    try {
      return sleep(ms);
    } finally {
      this.ownTimer = false;
    }
  }
}

/** Counts of `process.getActiveResourcesInfo()` by type (what keeps the event loop alive). */
export function activeResourceCounts(): Map<string, number> {
  const counts = new Map<string, number>();
  for (const type of realProcess().getActiveResourcesInfo()) counts.set(type, (counts.get(type) ?? 0) + 1);
  return counts;
}

/**
 * Waits until no type of active resource outnumbers the baseline (Jest's own handles and the
 * servers started before the baseline are in it); returns the excess at the deadline.
 */
export async function settleActiveResources(baseline: Map<string, number>, timeoutMs = 3_000): Promise<string[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const excess: string[] = [];
    for (const [type, count] of activeResourceCounts()) {
      const allowed = baseline.get(type) ?? 0;
      if (count > allowed) excess.push(`${type}: ${count} (baseline ${allowed})`);
    }
    if (excess.length === 0 || Date.now() > deadline) return excess;
    await sleep(20);
  }
}
