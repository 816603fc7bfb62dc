import { type WireEvent } from "../../protocol/chat-response";

/**
 * One event of a resumable turn as it is kept and sent: its SSE id and its whole frame
 * (`id: N\ndata: <json>\n\n`). Only the text is kept, not the event object: it is what every
 * subscriber writes, what a replica stores in PostgreSQL, and it costs one string per event.
 */
export interface LoggedEvent {
  readonly id: number;
  readonly frame: string;
}

/** The SSE frame of event `id`: the same `data:` line as any turn, after its `id:` line. */
export function framedEvent(id: number, event: WireEvent): LoggedEvent {
  return { id, frame: `id: ${id}\ndata: ${JSON.stringify(event)}\n\n` };
}

/** What `bytes` counts per kept event besides its text: the entry object and the array slot (V8, 64-bit). */
export const EVENT_OVERHEAD_BYTES = 48;

/** Bytes a kept frame costs: V8 stores a string of Latin-1 characters in one byte each, any other string in two. */
export function frameBytes(frame: string): number {
  // eslint-disable-next-line no-control-regex
  return EVENT_OVERHEAD_BYTES + (/^[\u0000-\u00ff]*$/.test(frame) ? frame.length : frame.length * 2);
}

/**
 * The events of one turn, in order, ids 1, 2, 3…: appended by the turn's runner, read by any number
 * of subscribers from any id on. Bounded: `dropOldest` forgets the oldest events (a subscriber that
 * still needed them learns it from `firstId`). Readers wait for the next event with `onChange()`.
 */
export class TurnLog {
  private entries: LoggedEvent[] = [];
  /** Index in `entries` of the oldest event still kept (dropped ones are cut off in bulk, not one by one). */
  private head = 0;
  private lastId = 0;
  /** Readers waiting for the next change (usually one: the connection that follows the turn live). */
  private waiters: Array<() => void> = [];
  /** Memory the kept events use, as `frameBytes` counts it. */
  bytes = 0;
  /** Set once the turn's stream is over: no event follows. */
  ended = false;

  /** A log whose first event will be `startAfter + 1` (a reader that joins a turn at a cursor). */
  constructor(startAfter = 0) {
    this.lastId = startAfter;
  }

  /** The id of the oldest event still kept (lastId + 1 when none is). */
  get firstId(): number {
    return this.entries.length > this.head ? this.entries[this.head]!.id : this.lastId + 1;
  }

  /** The id of the newest event (0 before the first). */
  get newestId(): number {
    return this.lastId;
  }

  get size(): number {
    return this.entries.length - this.head;
  }

  /** Adds the next event; the bytes it costs. */
  append(event: WireEvent): number {
    return this.add(framedEvent(this.lastId + 1, event));
  }

  /** Adds an event framed elsewhere (read back from a database); its id must be the next one. */
  add(entry: LoggedEvent): number {
    this.lastId = entry.id;
    this.entries.push(entry);
    const cost = frameBytes(entry.frame);
    this.bytes += cost;
    this.notify();
    return cost;
  }

  end(): void {
    this.ended = true;
    this.notify();
  }

  /** The event with this id, if it is kept. */
  get(id: number): LoggedEvent | undefined {
    const index = this.head + (id - this.firstId);
    return index >= this.head && index < this.entries.length ? this.entries[index] : undefined;
  }

  /** Calls `wake` once, when an event is added or the log ends. */
  onChange(wake: () => void): void {
    this.waiters.push(wake);
  }

  /** Forgets the oldest event; the bytes freed (0 when there is none). */
  dropOldest(): number {
    if (this.head >= this.entries.length) return 0;
    const entry = this.entries[this.head]!;
    this.head++;
    const freed = frameBytes(entry.frame);
    this.bytes -= freed;
    // Compact now and then, not on every drop: slicing is O(n).
    if (this.head > 1024 && this.head * 2 > this.entries.length) {
      this.entries = this.entries.slice(this.head);
      this.head = 0;
    }
    return freed;
  }

  /** Forgets every event; the bytes freed. */
  clear(): number {
    const freed = this.bytes;
    this.entries = [];
    this.head = 0;
    this.bytes = 0;
    return freed;
  }

  private notify(): void {
    if (this.waiters.length === 0) return;
    const waiters = this.waiters;
    this.waiters = [];
    for (const wake of waiters) wake();
  }
}
