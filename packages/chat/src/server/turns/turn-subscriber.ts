import { type WireEvent } from "../../protocol/chat-response";
import { STREAM_END_COMMENT } from "../../protocol/resumable-stream";
import { type LoggedEvent, type TurnLog } from "./turn-log";

type Step = IteratorResult<LoggedEvent, void>;
const DONE: Step = Object.freeze({ value: undefined, done: true });
/** The last frame of a reader that saw the turn to its end: tells the client nothing was cut. */
const END: Step = Object.freeze({ value: { id: 0, frame: `: ${STREAM_END_COMMENT}\n\n` }, done: false });

/**
 * One HTTP connection reading a turn's log: the events after `afterId`, then the live ones as they
 * are appended, until the log ends. Written as an iterator by hand (not an async generator): it is
 * on the per-event path, and an event already in the log costs one resolved promise.
 *
 * An event the log no longer keeps (the turn outgrew its bounds while this reader lagged) cannot be
 * sent; the reader then ends with `lostEvent` rather than skip part of the answer silently.
 */
export class TurnSubscriber implements AsyncIterableIterator<LoggedEvent> {
  private detached = false;
  /** The turn is over for this reader: the end comment is the next (and last) frame. */
  private over = false;

  constructor(
    private readonly log: TurnLog,
    private cursor: number,
    private readonly onDetach: () => void,
    private readonly lostEvent: () => LoggedEvent,
    /** Called when this reader hands out the end of a finished turn: its client has the whole answer. */
    private readonly onComplete: () => void = () => undefined,
  ) {}

  next(): Promise<Step> {
    const step = this.step();
    if (step) return Promise.resolve(step);
    // Nothing yet: one promise, settled with the next step as soon as the log changes.
    return new Promise<Step>((resolve) => {
      const wake = () => {
        const next = this.step();
        if (next) resolve(next);
        else this.log.onChange(wake);
      };
      this.log.onChange(wake);
    });
  }

  /** The next step when it can be taken now; undefined while the log has nothing new. */
  private step(): Step | undefined {
    if (this.detached) return DONE;
    if (this.over) {
      this.detach();
      return END;
    }
    const entry = this.log.get(this.cursor + 1);
    if (entry) {
      this.cursor = entry.id;
      return { value: entry, done: false };
    }
    if (this.cursor + 1 < this.log.firstId) {
      this.over = true;
      return { value: this.lostEvent(), done: false };
    }
    if (this.log.ended) {
      this.detach();
      this.onComplete();
      return END;
    }
    return undefined;
  }

  /** The connection is over (the client went away or the stream was written to its end). */
  return(): Promise<Step> {
    this.detach();
    return Promise.resolve(DONE);
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  /** Stops counting as a listener of the turn; idempotent. */
  detach(): void {
    if (this.detached) return;
    this.detached = true;
    this.onDetach();
  }
}

/**
 * The adapters write `frame(event)` for every event of an event stream. A subscriber hands them
 * logged events, whose frame is already written; this is the one place that knows it.
 */
export function writtenFrame(event: WireEvent): string {
  return (event as unknown as LoggedEvent).frame;
}

/** A subscriber as the event stream of an ApiResponse (see `writtenFrame`). */
export function asWireEvents(subscriber: TurnSubscriber): AsyncIterable<WireEvent> {
  return subscriber as unknown as AsyncIterable<WireEvent>;
}
