/** What the soak's child processes and the runner say to each other over IPC. */
export type ToChild = { type: "memory"; gc: boolean } | { type: "storm-closes" } | { type: "loop-delay"; reset: boolean } | { type: "stop" };

export type FromChild =
  | { type: "ready"; url: string }
  | { type: "memory"; rss: number; heapUsed: number; external: number; arrayBuffers: number }
  /** The upstream's view of the storm: when each storm request's response closed (epoch ms, sub-ms precision). */
  | { type: "storm-closes"; closes: Array<{ id: string; openedAt: number; closedAt: number | null; finished: boolean }>; openConnections: number }
  /** The server's event-loop delay since the last reset, in ms: how long work waited for the thread. */
  | { type: "loop-delay"; p50: number; p99: number; max: number }
  | { type: "stats"; errorLines: string[]; activeTurns: number };

/** A wall-clock time comparable across the soak's processes (performance.now() is per process). */
export function epochNow(): number {
  return performance.timeOrigin + performance.now();
}
