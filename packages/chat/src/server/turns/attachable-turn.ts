import { type TurnSubscriber } from "./turn-subscriber";

/** A resumable turn a client can re-attach to: run by this replica (ResumableTurn) or another one (RemoteTurn). */
export interface AttachableTurn {
  /** When its stream ended (ms since the epoch), 0 while it runs. */
  readonly endedAt: number;
  /** Whether the events after `afterId` can all still be sent. */
  canReplayFrom(afterId: number): boolean;
  /** A reader of the events after `afterId`, then the live ones. */
  subscribe(afterId: number): TurnSubscriber;
  /** Stops the turn now; resolves once it is over (or after a bounded wait). */
  stop(): Promise<void>;
}
