import { randomUUID } from "node:crypto";
import { type LoggedEvent } from "../../server/turns/turn-log";
import { type RelayedEvents, type RelayedTurnLookup, type RelayedTurnRecord, type TurnRelay } from "../../server/turns/turn-relay";
import { ExpirySweeper } from "../expiry-sweeper";
import { type StoreLogger } from "../store-logger";
import { type PostgresDatabase, type PostgresDedicatedClient } from "./postgres-database";

/** NOTIFY channels: new events or a new state of a turn; a request to stop a turn. Payload: the message_id. */
const EVENTS_CHANNEL = "ragbits_turn_events";
const STOP_CHANNEL = "ragbits_turn_stop";

export interface PostgresTurnRelayOptions {
  /** How often a replica records that it is alive, for each turn it runs (ms, default 2000). */
  heartbeatMs?: number | undefined;
  /** A running turn whose replica has not recorded a heartbeat for this long is orphaned (ms, default 10 000). */
  replicaTimeoutMs?: number | undefined;
  /** How long a finished turn stays readable (ms, default 60 000). */
  retentionMs?: number | undefined;
}

interface TurnRow extends Record<string, unknown> {
  token_hash: Buffer;
  owner: string;
  status: string;
  heartbeat_at: string;
}

/**
 * Resumable turns across replicas on PostgreSQL. The replica running a turn writes it to
 * `ragbits_turns`, appends its events to `ragbits_turn_events` (batched per tick, in order: one write
 * at a time per turn) and announces each batch and the end with NOTIFY; it records a heartbeat for
 * its running turns. Another replica reads the events after a client's cursor, LISTENs for more,
 * and sees a running turn whose heartbeat stopped as orphaned. Stop requests travel by NOTIFY to the
 * replica that runs the turn. Every write is best effort (failures are logged once per turn); the
 * turn stays resumable on its own replica whatever the database does.
 */
export class PostgresTurnRelay implements TurnRelay {
  readonly pollMs: number;
  private readonly replica = randomUUID();
  private readonly heartbeatMs: number;
  private readonly replicaTimeoutMs: number;
  private readonly retentionMs: number;
  /** Per turn this replica runs: its events not written yet, and the write in progress. */
  private readonly outgoing = new Map<string, { pending: LoggedEvent[]; writing: Promise<void>; scheduled: boolean; failed: boolean; ended: boolean }>();
  private readonly watchers = new Map<string, Set<() => void>>();
  private listener: PostgresDedicatedClient | undefined;
  private connecting: Promise<void> | undefined;
  private stopHandler: (messageId: string) => void = () => undefined;
  private heartbeat: ReturnType<typeof setInterval> | undefined;
  private sweeper: ExpirySweeper | undefined;
  private closed = false;

  constructor(
    private readonly database: PostgresDatabase,
    private readonly logger: StoreLogger,
    options: PostgresTurnRelayOptions = {},
  ) {
    this.heartbeatMs = options.heartbeatMs ?? 2_000;
    this.replicaTimeoutMs = options.replicaTimeoutMs ?? 10_000;
    this.retentionMs = options.retentionMs ?? 60_000;
    this.pollMs = this.heartbeatMs;
  }

  async open(handlers: { stop: (messageId: string) => void }): Promise<void> {
    this.stopHandler = handlers.stop;
    this.heartbeat ??= setInterval(() => void this.beat(), this.heartbeatMs);
    this.heartbeat.unref?.();
    this.sweeper ??= new ExpirySweeper(() => this.sweep(), Math.max(1_000, Math.min(this.retentionMs, 60_000)));
    // Not fatal: until the listener connects, readers poll and stop requests wait for it.
    await this.listen().catch(() => undefined);
  }

  begin(turn: RelayedTurnRecord): void {
    const now = Date.now();
    const state = { pending: [] as LoggedEvent[], writing: Promise.resolve(), scheduled: false, failed: false, ended: false };
    this.outgoing.set(turn.messageId, state);
    state.writing = this.write(turn.messageId, () =>
      this.database.query(
        "publishing a resumable turn",
        `INSERT INTO ragbits_turns (message_id, token_hash, owner, replica, status, heartbeat_at, attached_until, ended_at)
         VALUES ($1, $2, $3, $4, 'running', $5, 0, NULL)
         ON CONFLICT (message_id) DO NOTHING`,
        [turn.messageId, turn.tokenHash, turn.owner, this.replica, now],
      ),
    );
  }

  append(messageId: string, event: LoggedEvent): void {
    const state = this.outgoing.get(messageId);
    if (!state) return;
    state.pending.push(event);
    if (state.scheduled) return;
    state.scheduled = true;
    // One write per tick, whatever number of events the tick made.
    setImmediate(() => {
      state.scheduled = false;
      this.flush(messageId);
    });
  }

  end(messageId: string): void {
    const state = this.outgoing.get(messageId);
    if (!state) return;
    state.ended = true;
    this.flush(messageId);
  }

  async lookup(messageId: string): Promise<RelayedTurnLookup | undefined> {
    const [row] = await this.database.query<TurnRow>("looking up a resumable turn", "SELECT token_hash, owner, status, heartbeat_at FROM ragbits_turns WHERE message_id = $1", [messageId]);
    if (!row) return undefined;
    return { messageId, tokenHash: row.token_hash, owner: row.owner, over: this.stateOf(row) !== "running" };
  }

  async read(messageId: string, afterId: number): Promise<RelayedEvents> {
    // The state first: events written before an end are then all visible to the second query.
    const [row] = await this.database.query<TurnRow>("reading a resumable turn", "SELECT token_hash, owner, status, heartbeat_at FROM ragbits_turns WHERE message_id = $1", [messageId]);
    if (!row) return { events: [], state: "orphaned" };
    const rows = await this.database.query<{ id: number; frame: string }>(
      "reading a resumable turn's events",
      "SELECT id, frame FROM ragbits_turn_events WHERE message_id = $1 AND id > $2 ORDER BY id",
      [messageId, Math.min(afterId, 2_147_483_647)],
    );
    return { events: rows.map((event) => ({ id: event.id, frame: event.frame })), state: this.stateOf(row) };
  }

  watch(messageId: string, onChange: () => void): () => void {
    let set = this.watchers.get(messageId);
    if (!set) this.watchers.set(messageId, (set = new Set()));
    set.add(onChange);
    return () => {
      set.delete(onChange);
      if (set.size === 0) this.watchers.delete(messageId);
    };
  }

  async requestStop(messageId: string): Promise<void> {
    await this.database.query("asking for a turn to stop", "SELECT pg_notify($1, $2)", [STOP_CHANNEL, messageId]);
  }

  async markAttached(messageId: string, untilMs: number): Promise<void> {
    await this.database.query("marking a resumable turn as listened to", "UPDATE ragbits_turns SET attached_until = $2 WHERE message_id = $1", [messageId, untilMs]);
  }

  async attachedUntil(messageId: string): Promise<number> {
    const [row] = await this.database.query<{ attached_until: string }>("asking whether a turn is listened to", "SELECT attached_until FROM ragbits_turns WHERE message_id = $1", [messageId]);
    return row ? Number(row.attached_until) : 0;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.heartbeat);
    this.sweeper?.stop();
    // What is still queued is written (bounded by the pool's statement timeout), then the listener goes.
    await Promise.all([...this.outgoing.values()].map((state) => state.writing));
    const listener = this.listener;
    this.listener = undefined;
    await listener?.end().catch(() => undefined);
  }

  private stateOf(row: TurnRow): RelayedEvents["state"] {
    if (row.status !== "running") return "ended";
    return Number(row.heartbeat_at) < Date.now() - this.replicaTimeoutMs ? "orphaned" : "running";
  }

  /** Writes what the turn has queued (and its end, once ended), after the writes before it. */
  private flush(messageId: string): void {
    const state = this.outgoing.get(messageId);
    if (!state) return;
    const events = state.pending.splice(0);
    const ending = state.ended;
    if (events.length === 0 && !ending) return;
    state.writing = this.write(messageId, async () => {
      if (events.length > 0) {
        await this.database.query(
          "saving a resumable turn's events",
          "INSERT INTO ragbits_turn_events (message_id, id, frame) SELECT $1, * FROM unnest($2::integer[], $3::text[]) ON CONFLICT DO NOTHING",
          [messageId, events.map((event) => event.id), events.map((event) => event.frame)],
        );
      }
      if (ending) await this.database.query("ending a resumable turn", "UPDATE ragbits_turns SET status = 'ended', ended_at = $2 WHERE message_id = $1", [messageId, Date.now()]);
      await this.database.query("announcing a resumable turn's events", "SELECT pg_notify($1, $2)", [EVENTS_CHANNEL, messageId]);
    }, state).then(() => {
      if (ending) this.outgoing.delete(messageId);
    });
  }

  /** Chains `work` after the turn's previous write; a failure is logged once per turn and the chain goes on. */
  private write(messageId: string, work: () => Promise<unknown>, state = this.outgoing.get(messageId)): Promise<void> {
    const previous = state?.writing ?? Promise.resolve();
    return previous.then(work).then(
      () => undefined,
      (error: unknown) => {
        if (state?.failed) return;
        if (state) state.failed = true;
        this.logger.warn({ messageId, reason: error instanceof Error ? error.message : String(error) }, "a resumable turn could not be written to PostgreSQL: it can only be resumed on this replica");
      },
    );
  }

  /** This replica is alive: one heartbeat for all the turns it runs. */
  private async beat(): Promise<void> {
    if (this.outgoing.size === 0) return;
    await this.database
      .query("recording a heartbeat", "UPDATE ragbits_turns SET heartbeat_at = $2 WHERE replica = $1 AND status = 'running'", [this.replica, Date.now()])
      .catch(() => undefined);
  }

  /** Finished turns past their retention, and orphaned ones, are deleted (their events with them). */
  private async sweep(): Promise<void> {
    const cutoff = Date.now() - this.retentionMs;
    await this.database.query(
      "deleting expired resumable turns",
      "DELETE FROM ragbits_turns WHERE (status <> 'running' AND ended_at < $1) OR (status = 'running' AND heartbeat_at < $2)",
      [cutoff, cutoff - this.replicaTimeoutMs],
    );
  }

  /** One connection LISTENs for both channels; when it breaks (or cannot connect) it is tried again (readers poll meanwhile). */
  private listen(): Promise<void> {
    if (this.listener || this.closed) return Promise.resolve();
    this.connecting ??= (async () => {
      try {
        const client = await this.database.connectDedicated("listening for resumable turns");
        if (this.closed) {
          await client.end().catch(() => undefined);
          return;
        }
        const lost = () => {
          if (this.listener !== client) return;
          this.listener = undefined;
          this.retryListen();
        };
        client.on("error", lost);
        client.on("end", lost);
        client.on("notification", ({ channel, payload }) => {
          if (!payload) return;
          if (channel === STOP_CHANNEL) this.stopHandler(payload);
          else for (const wake of this.watchers.get(payload) ?? []) wake();
        });
        await client.query(`LISTEN ${EVENTS_CHANNEL}`);
        await client.query(`LISTEN ${STOP_CHANNEL}`);
        this.listener = client;
      } catch (error) {
        this.retryListen();
        throw error;
      } finally {
        this.connecting = undefined;
      }
    })();
    return this.connecting;
  }

  private retryListen(): void {
    if (this.closed) return;
    setTimeout(() => void this.listen().catch(() => undefined), this.heartbeatMs).unref?.();
  }
}
