import { type AttachableTurn } from "./attachable-turn";
import { type LoggedEvent, TurnLog } from "./turn-log";
import { type TurnRelay } from "./turn-relay";
import { TurnSubscriber } from "./turn-subscriber";

/** Says why the answer ends here: the replica generating it went away. No `id:`: not one of the turn's events. */
const INTERRUPTED: LoggedEvent = {
  id: 0,
  frame: `data: ${JSON.stringify({ type: "error", content: { message: "The server that was generating this answer stopped, so the answer was interrupted. Please ask again." } })}\n\n`,
};

/** How long a stop request waits for the running replica to end the turn. */
const STOP_WAIT_MS = 5_000;

/**
 * A turn run by another replica, read through the relay: what it generated after the client's
 * cursor, then its new events as the relay announces them (and, in case a notice is missed, every
 * `pollMs`). While a client is attached here, the running replica is told so, so its grace period
 * does not stop the turn. If that replica stops answering (it crashed), the reader gets everything
 * it had generated and then an `error` event saying the answer was interrupted, and the stream ends.
 */
export class RemoteTurn implements AttachableTurn {
  endedAt = 0;

  constructor(
    readonly messageId: string,
    private readonly relay: TurnRelay,
    private readonly graceMs: number,
    private readonly logError: (error: unknown, message: string, details: Record<string, unknown>) => void,
    over = false,
  ) {
    if (over) this.endedAt = Date.now();
  }

  canReplayFrom(): boolean {
    // The relay keeps every event of a turn for its retention.
    return true;
  }

  subscribe(afterId: number): TurnSubscriber {
    const log = new TurnLog(afterId);
    let cursor = afterId;
    let reading = false;
    let again = false;
    let closed = false;
    const pump = async (): Promise<void> => {
      if (reading) {
        again = true;
        return;
      }
      reading = true;
      try {
        do {
          again = false;
          const { events, state } = await this.relay.read(this.messageId, cursor);
          for (const event of events) {
            // Only in order: a gap is filled by the next read.
            if (event.id !== cursor + 1) break;
            log.add(event);
            cursor = event.id;
          }
          if (state !== "running" && !log.ended && events.every((event) => event.id <= cursor)) {
            if (state === "orphaned") log.add({ ...INTERRUPTED, id: cursor + 1 });
            this.endedAt = Date.now();
            log.end();
          }
        } while (again && !closed && !log.ended);
      } catch (error) {
        // The database is unreachable: the next notice or poll tries again.
        this.logError(error, "reading a resumable turn from the database failed", { messageId: this.messageId });
      } finally {
        reading = false;
      }
    };
    const attached = () => void this.relay.markAttached(this.messageId, Date.now() + this.graceMs).catch(() => undefined);
    const unwatch = this.relay.watch(this.messageId, () => void pump());
    const poll = setInterval(() => void pump(), this.relay.pollMs);
    poll.unref?.();
    const keepAttached = setInterval(attached, Math.max(250, Math.floor(this.graceMs / 3)));
    keepAttached.unref?.();
    attached();
    void pump();
    const close = () => {
      closed = true;
      unwatch();
      clearInterval(poll);
      clearInterval(keepAttached);
      // Gone from here too: the running replica's grace period starts now, not when the mark expires.
      void this.relay.markAttached(this.messageId, Date.now()).catch(() => undefined);
    };
    return new TurnSubscriber(log, afterId, close, () => INTERRUPTED);
  }

  async stop(): Promise<void> {
    await this.relay.requestStop(this.messageId);
    const deadline = Date.now() + STOP_WAIT_MS;
    while (Date.now() < deadline) {
      const { state } = await this.relay.read(this.messageId, Number.MAX_SAFE_INTEGER);
      if (state !== "running") {
        this.endedAt ||= Date.now();
        return;
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
}
