import { type WireEvent } from "../../protocol/chat-response";
import { type AttachableTurn } from "./attachable-turn";
import { RemoteTurn } from "./remote-turn";
import { ResumableTurn, type TurnHost } from "./resumable-turn";
import { newResumeToken, resumeTokenMatches } from "./resume-token";
import { type LoggedEvent } from "./turn-log";
import { type TurnRelay } from "./turn-relay";

/** Bounds of the events kept for resumable turns (docs/protocol.md, "Resumable streams", has the memory figures). */
export interface ResumableTurnLimits {
  /** How long a turn keeps generating with nobody connected before it is stopped (ms, default 30 000). */
  graceMs?: number | undefined;
  /** How long a finished turn stays readable, for a client that reconnects just after the end (ms, default 60 000). */
  retentionMs?: number | undefined;
  /** Events kept per turn; past it the oldest are dropped (default 50 000). */
  maxEventsPerTurn?: number | undefined;
  /** Memory kept per turn; past it the oldest events are dropped (bytes, default 8 MiB). */
  maxBytesPerTurn?: number | undefined;
  /** Memory kept for all turns; past it finished turns are forgotten first, oldest first (bytes, default 256 MiB). */
  maxBytesTotal?: number | undefined;
  /** Turns held at once; past it a new turn is not resumable (its client falls back to disconnect = stop). Default 10 000. */
  maxTurns?: number | undefined;
}

/**
 * How long a finished turn stays once a reader was handed its end (`: end`): that client has the
 * whole answer and will not ask again, so the turn need not be kept for the full retention (which
 * is for clients that were cut before the end). A few seconds cover a write that never arrived.
 */
const DELIVERED_RETENTION_MS = 5_000;

export const RESUMABLE_DEFAULTS: Required<{ [K in keyof ResumableTurnLimits]: number }> = {
  graceMs: 30_000,
  retentionMs: 60_000,
  maxEventsPerTurn: 50_000,
  maxBytesPerTurn: 8 * 1024 * 1024,
  maxBytesTotal: 256 * 1024 * 1024,
  maxTurns: 10_000,
};

export interface HoldRequest {
  /** The turn's events after `first`, and its `message_id` event, already read. */
  events: AsyncIterator<WireEvent, void, undefined>;
  first: WireEvent;
  /** Stops the turn the way a disconnect does (model call cancelled, partial answer saved as "aborted"). */
  abort: () => void;
  /** The signed-in user's id, "" without auth. */
  owner: string;
}

type ErrorLogger = (error: unknown, message: string, details: Record<string, unknown>) => void;

/**
 * The resumable turns of one process: running ones, and finished ones for `retentionMs`. Keyed by
 * message_id; a turn is found only with its token (and, with auth, by the user who started it).
 * Enforces the memory bounds: per turn the oldest events go first; past the total, finished turns
 * are forgotten (oldest first), then the growing turn's own oldest events.
 */
export class TurnRegistry implements TurnHost {
  readonly graceMs: number;
  private readonly limits: Required<{ [K in keyof ResumableTurnLimits]: number }>;
  private readonly turns = new Map<string, ResumableTurn>();
  /** Finished turns, in the order they finished: the first to forget. */
  private readonly finished = new Map<ResumableTurn, ReturnType<typeof setTimeout>>();
  private totalBytes = 0;

  constructor(
    limits: ResumableTurnLimits,
    private readonly errorLogger: ErrorLogger,
    /** Other replicas' view of the turns (PostgreSQL); none in one process. */
    private readonly relay?: TurnRelay,
  ) {
    this.limits = { ...RESUMABLE_DEFAULTS };
    for (const [key, value] of Object.entries(limits) as Array<[keyof ResumableTurnLimits, number | undefined]>) {
      if (value === undefined) continue;
      if (!Number.isFinite(value) || value < 0) throw new TypeError(`resumable turns: ${key} must be a number of 0 or more (got ${String(value)})`);
      this.limits[key] = value;
    }
    this.graceMs = this.limits.graceMs;
  }

  /** Memory the kept events use now (bytes, as estimated). */
  get bytes(): number {
    return this.totalBytes;
  }

  /** Turns held now (running or kept after their end). */
  get size(): number {
    return this.turns.size;
  }

  /**
   * Takes over a turn's events, which from now on are read into the turn's log whoever listens.
   * Its token, or undefined when the turn cannot be held (too many turns, or the id is taken): the
   * caller then streams it as an ordinary turn.
   */
  hold(request: HoldRequest): { token: string; turn: ResumableTurn } | undefined {
    const messageId = (request.first.content as { message_id?: unknown } | null)?.message_id;
    if (request.first.type !== "message_id" || typeof messageId !== "string") return undefined;
    if (this.turns.has(messageId)) return undefined;
    if (this.turns.size >= this.limits.maxTurns) this.forgetOldestFinished();
    if (this.turns.size >= this.limits.maxTurns) return undefined;
    const { token, hash } = newResumeToken();
    // Published before its first event reaches the relay: other replicas can find it from the start.
    this.relay?.begin({ messageId, tokenHash: hash, owner: request.owner });
    const turn = new ResumableTurn(messageId, hash, request.owner, request.events, request.abort, this, request.first);
    this.turns.set(messageId, turn);
    return { token, turn };
  }

  /** Starts listening to the other replicas (stop requests), when there is a relay. */
  async open(): Promise<void> {
    await this.relay?.open({ stop: (messageId) => void this.turns.get(messageId)?.stop() });
  }

  /**
   * The turn, when `token` is its token and `owner` the user who started it: one this replica runs
   * (or ran), else one another replica runs, through the relay. Undefined otherwise, whatever the reason.
   */
  async find(messageId: string, token: string | undefined, owner: string): Promise<AttachableTurn | undefined> {
    const turn = this.turns.get(messageId);
    if (turn) return resumeTokenMatches(token, turn.tokenHash) && turn.owner === owner ? turn : undefined;
    if (!this.relay || !token) return undefined;
    const record = await this.relay.lookup(messageId);
    if (!record || !resumeTokenMatches(token, record.tokenHash) || record.owner !== owner) return undefined;
    return new RemoteTurn(messageId, this.relay, this.graceMs, this.errorLogger, record.over);
  }

  published(turn: ResumableTurn, event: LoggedEvent): void {
    this.relay?.append(turn.messageId, event);
  }

  listenedElsewhereUntil(turn: ResumableTurn): Promise<number> {
    return this.relay ? this.relay.attachedUntil(turn.messageId) : Promise.resolve(0);
  }

  accountBytes(turn: ResumableTurn, bytes: number): void {
    this.totalBytes += bytes;
    const log = turn.log;
    while (log.size > 0 && (log.bytes > this.limits.maxBytesPerTurn || log.size > this.limits.maxEventsPerTurn)) this.totalBytes -= log.dropOldest();
    if (this.totalBytes <= this.limits.maxBytesTotal) return;
    while (this.totalBytes > this.limits.maxBytesTotal && this.forgetOldestFinished());
    while (this.totalBytes > this.limits.maxBytesTotal && log.size > 0) this.totalBytes -= log.dropOldest();
  }

  turnEnded(turn: ResumableTurn): void {
    this.relay?.end(turn.messageId);
    if (this.turns.get(turn.messageId) !== turn) return;
    const timer = setTimeout(() => this.forget(turn), this.limits.retentionMs);
    timer.unref?.();
    this.finished.set(turn, timer);
  }

  delivered(turn: ResumableTurn): void {
    const timer = this.finished.get(turn);
    if (timer === undefined || this.limits.retentionMs <= DELIVERED_RETENTION_MS) return;
    clearTimeout(timer);
    const sooner = setTimeout(() => this.forget(turn), DELIVERED_RETENTION_MS);
    sooner.unref?.();
    this.finished.set(turn, sooner);
  }

  logError(error: unknown, message: string, details: Record<string, unknown>): void {
    this.errorLogger(error, message, details);
  }

  /** Clears the timers and closes the relay (the turns themselves are stopped by the server's shutdown, like any turn). */
  async close(): Promise<void> {
    for (const turn of this.turns.values()) turn.dispose();
    for (const timer of this.finished.values()) clearTimeout(timer);
    this.finished.clear();
    await this.relay?.close();
  }

  private forgetOldestFinished(): boolean {
    const oldest = this.finished.keys().next();
    if (oldest.done) return false;
    this.forget(oldest.value);
    return true;
  }

  private forget(turn: ResumableTurn): void {
    const timer = this.finished.get(turn);
    if (timer !== undefined) clearTimeout(timer);
    this.finished.delete(turn);
    if (this.turns.get(turn.messageId) === turn) this.turns.delete(turn.messageId);
    this.totalBytes -= turn.log.clear();
  }
}
