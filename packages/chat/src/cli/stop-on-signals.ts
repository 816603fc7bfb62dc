/** How long a graceful stop may take before the process gives up on it. */
const STOP_TIMEOUT_MS = 10_000;

/**
 * Ctrl+C (SIGINT) or a process manager's SIGTERM: `close` the server gracefully, print one "Stopped."
 * line and exit 0 — stopping is not a failure, so the npm/pnpm scripts above us report none. A signal
 * that arrives while stopping adds nothing (Ctrl+C reaches every process of the group, and a
 * `--reload` parent passes its signal on): close() itself cuts connections after its grace period.
 * `announce: false` for a `--reload` child: it is stopped for every restart, and its parent says
 * "Stopped." when the user stops.
 */
export function stopOnSignals(close: () => Promise<void>, { announce = true }: { announce?: boolean } = {}): void {
  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    setTimeout(() => {
      process.stderr.write(`ragbits: the server did not close within ${STOP_TIMEOUT_MS / 1000} s; exiting\n`);
      process.exit(1);
    }, STOP_TIMEOUT_MS).unref();
    close().then(
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
