/** How long a graceful stop may take, beyond the grace period given to streams, before the process gives up on it. */
export const STOP_AFTER_GRACE_MS = 10_000;

/**
 * Ctrl+C (SIGINT) or a process manager's SIGTERM: `close` the server gracefully, print one "Stopped."
 * line and exit 0 — stopping is not a failure, so the npm/pnpm scripts above us report none. A signal
 * that arrives while stopping adds nothing (Ctrl+C reaches every process of the group, and a
 * `--reload` parent passes its signal on): close() itself cuts connections after its grace period.
 * `announce: false` for a `--reload` child: it is stopped for every restart, and its parent says
 * "Stopped." when the user stops.
 */
export function stopOnSignals(close: (signal: NodeJS.Signals) => Promise<void>, { announce = true, timeoutMs = STOP_AFTER_GRACE_MS }: { announce?: boolean; timeoutMs?: number } = {}): void {
  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    setTimeout(() => {
      process.stderr.write(`ragbits: the server did not close within ${timeoutMs / 1000} s; exiting\n`);
      process.exit(1);
    }, timeoutMs).unref();
    close(signal).then(
      () => {
        if (announce) process.stdout.write("Stopped.\n");
        process.exit(0);
      },
      (error: unknown) => {
        process.stderr.write(`ragbits: error while stopping: ${error instanceof Error ? error.message : String(error)}\n`);
        process.exit(1);
      },
    );
  };
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
}
