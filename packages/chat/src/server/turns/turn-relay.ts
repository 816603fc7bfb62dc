import { type LoggedEvent } from "./turn-log";

/** A resumable turn as other replicas see it. */
export interface RelayedTurnRecord {
  messageId: string;
  /** SHA-256 of the resume token. */
  tokenHash: Buffer;
  /** The signed-in user's id, "" without auth. */
  owner: string;
}

/** A relayed turn as `lookup` finds it. */
export interface RelayedTurnLookup extends RelayedTurnRecord {
  /** Its stream is over (or its replica stopped answering). */
  over: boolean;
}

/** Where a relayed turn is, as its events' reader on another replica sees it. */
export type RelayedTurnState = "running" | "ended" | "orphaned";

/** The events after a cursor and the turn's state when they were read. */
export interface RelayedEvents {
  events: LoggedEvent[];
  state: RelayedTurnState;
}

/**
 * The seam that makes resumable turns work across replicas (PostgreSQL: `PostgresTurnRelay`). The
 * replica running a turn publishes it, its events and its end; any replica can look a turn up,
 * read its events after a cursor, be woken when more arrive, ask the running replica to stop it,
 * and tell it that a client is attached elsewhere (so the grace period does not stop it). Every
 * write is best effort: a relay that fails leaves the turn resumable on its own replica.
 */
export interface TurnRelay {
  /** Starts listening; `stop(messageId)` is called when any replica asks this one to stop a turn it runs. */
  open(handlers: { stop: (messageId: string) => void }): Promise<void>;
  /** This replica runs a new turn. */
  begin(turn: RelayedTurnRecord): void;
  /** The turn's next event (in id order). */
  append(messageId: string, event: LoggedEvent): void;
  /** The turn's stream is over (after its last `append`). */
  end(messageId: string): void;
  /** A turn any replica runs or ran (within the retention); undefined when unknown. */
  lookup(messageId: string): Promise<RelayedTurnLookup | undefined>;
  /** The events after `afterId`, in order, and the turn's state ("orphaned": its replica stopped answering). */
  read(messageId: string, afterId: number): Promise<RelayedEvents>;
  /** Calls `onChange` when the turn may have new events or a new state; returns the unsubscribe. */
  watch(messageId: string, onChange: () => void): () => void;
  /** Asks the replica running the turn to stop it. */
  requestStop(messageId: string): Promise<void>;
  /** A client is attached to the turn on this replica until `untilMs` (ms since the epoch). */
  markAttached(messageId: string, untilMs: number): Promise<void>;
  /** Until when a client is attached to the turn on another replica (0: none). */
  attachedUntil(messageId: string): Promise<number>;
  /** How often the reader of a relayed turn looks again without being woken (ms). */
  readonly pollMs: number;
  close(): Promise<void>;
}
