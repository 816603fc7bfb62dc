import { type WireEvent } from "../../protocol/chat-response";
import { type AttachableTurn } from "./attachable-turn";
import { type LoggedEvent, TurnLog } from "./turn-log";
import { TurnSubscriber } from "./turn-subscriber";

/** What a resumable turn needs from the registry that holds it. */
export interface TurnHost {
  /** How long a turn nobody listens to keeps generating before it is stopped. */
  readonly graceMs: number;
  /** The log grew by `bytes` (or shrank, negative): the host enforces its bounds. */
  accountBytes(turn: ResumableTurn, bytes: number): void;
  /** An event was added to the turn's log (other replicas may want it). */
  published(turn: ResumableTurn, event: LoggedEvent): void;
  /** Until when a client is attached to the turn on another replica (0: none). */
  listenedElsewhereUntil(turn: ResumableTurn): Promise<number>;
  /** A reader was handed the end of the finished turn: its client will not need it again. */
  delivered(turn: ResumableTurn): void;
  /** The turn's stream is over. */
  turnEnded(turn: ResumableTurn): void;
  logError(error: unknown, message: string, details: Record<string, unknown>): void;
}

const ABANDONED_MESSAGE = "The answer was stopped because the connection to it was lost for too long. Please ask again.";

/**
 * Ends a reader that lagged behind events the log no longer keeps. It has no `id:` line: it is not
 * one of the turn's events, and a client's cursor stays on the last event it really got.
 */
const LOST_EVENTS_EVENT: LoggedEvent = {
  id: 0,
  frame: `data: ${JSON.stringify({ type: "error", content: { message: "Part of this answer is no longer kept on the server, so it cannot be resumed. Please ask again." } })}\n\n`,
};

/**
 * One turn whose generation is detached from the connection that started it. A runner reads the
 * turn's events (`streamChat`, through the chat route) as fast as the app makes them, into a
 * bounded log; HTTP connections are subscribers of that log (a replay from any id, then live).
 *
 * Nobody listening is not a stop: the turn keeps generating for the grace period, and only if
 * nobody re-attaches by then is it stopped the way a disconnect stops a turn that cannot resume —
 * `stop()` calls the route's own `clientGone` (the turn's abort: model call cancelled, partial
 * answer saved as "aborted").
 */
export class ResumableTurn implements AttachableTurn {
  readonly log = new TurnLog();
  /** Resolves once the turn's stream is over and its interaction saved. */
  readonly finished: Promise<void>;
  /** When the stream ended (ms since the epoch), 0 while it runs. */
  endedAt = 0;
  /** Set when the turn was stopped (stop request, or grace period over). */
  stopped = false;
  /** Set when it was stopped because nobody came back within the grace period. */
  private abandoned = false;
  private listeners = 0;
  private graceTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    readonly messageId: string,
    /** SHA-256 of the resume token (the token itself is never kept). */
    readonly tokenHash: Buffer,
    /** Who started it: the signed-in user's id, "" without auth. */
    readonly owner: string,
    private readonly events: AsyncIterator<WireEvent, void, undefined>,
    private readonly abort: () => void,
    private readonly host: TurnHost,
    first: WireEvent,
  ) {
    this.add(first);
    this.finished = this.run();
  }

  /** A new reader of the events after `afterId` (0: from the start). It counts as a listener until it detaches. */
  subscribe(afterId: number): TurnSubscriber {
    this.listeners++;
    this.clearGrace();
    return new TurnSubscriber(
      this.log,
      afterId,
      () => this.unsubscribed(),
      () => LOST_EVENTS_EVENT,
      () => this.host.delivered(this),
    );
  }

  /** Whether the events after `afterId` are all still kept. */
  canReplayFrom(afterId: number): boolean {
    return afterId + 1 >= this.log.firstId;
  }

  /** Stops the turn now (an explicit stop, or nobody came back in time); resolves once it is saved. */
  stop(): Promise<void> {
    if (!this.endedAt && !this.stopped) {
      this.stopped = true;
      this.clearGrace();
      this.abort();
    }
    return this.finished;
  }

  /** The grace timer, if any, is cleared (the registry is closing). */
  dispose(): void {
    this.clearGrace();
  }

  private async run(): Promise<void> {
    try {
      for (;;) {
        const next = await this.events.next();
        if (next.done) break;
        this.add(next.value);
      }
    } catch (error) {
      // The chat route reports the app's failures in-band; reaching here is a framework bug. The
      // readers still get a clean end.
      this.host.logError(error, "a resumable turn failed", { messageId: this.messageId });
      this.add({ type: "error", content: { message: "Internal server error" } });
    } finally {
      // Whoever re-attaches after that (within the retention) must not take the partial answer for a whole one.
      if (this.abandoned) this.add({ type: "error", content: { message: ABANDONED_MESSAGE } });
      this.clearGrace();
      this.endedAt = Date.now();
      // The host first (its retention starts), then the readers: one that hands out the end shortens it.
      this.host.turnEnded(this);
      this.log.end();
    }
  }

  private add(event: WireEvent): void {
    const bytes = this.log.append(event);
    this.host.published(this, this.log.get(this.log.newestId)!);
    this.host.accountBytes(this, bytes);
  }

  private unsubscribed(): void {
    this.listeners--;
    if (this.listeners > 0 || this.endedAt || this.stopped) return;
    this.armGrace(this.host.graceMs);
  }

  /** Stops the turn after `ms` unless someone listens by then, here or (through the relay) on another replica. */
  private armGrace(ms: number): void {
    this.clearGrace();
    this.graceTimer = setTimeout(() => {
      this.graceTimer = undefined;
      void this.graceOver();
    }, ms);
    this.graceTimer.unref?.();
  }

  private async graceOver(): Promise<void> {
    if (this.listeners > 0 || this.endedAt || this.stopped) return;
    const elsewhere = await this.host.listenedElsewhereUntil(this).catch(() => 0);
    if (this.listeners > 0 || this.endedAt || this.stopped) return;
    if (elsewhere > Date.now()) {
      this.armGrace(elsewhere - Date.now() + 50);
      return;
    }
    this.abandoned = true;
    void this.stop();
  }

  private clearGrace(): void {
    if (this.graceTimer === undefined) return;
    clearTimeout(this.graceTimer);
    this.graceTimer = undefined;
  }
}
