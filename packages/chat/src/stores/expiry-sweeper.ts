/** How often expired sessions and closed login windows are deleted from a database. */
export const SWEEP_INTERVAL_MS = 10 * 60 * 1000;

/**
 * Runs `sweep` every interval, never two at once, without keeping the process alive. Expired rows are
 * already invisible to readers (every query filters on expiry): sweeping only reclaims space, so a
 * failed sweep is skipped silently and tried again next time.
 */
export class ExpirySweeper {
  private readonly timer: NodeJS.Timeout;
  private running = false;

  constructor(sweep: () => Promise<void>, intervalMs = SWEEP_INTERVAL_MS) {
    this.timer = setInterval(() => {
      if (this.running) return;
      this.running = true;
      sweep()
        .catch(() => undefined)
        .finally(() => (this.running = false));
    }, intervalMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }
}
