import { type LoginAttemptStore } from "../auth/login-attempt-store";
import { type AuthStateStore } from "../auth/oidc/auth-state-store";
import { type SessionStore } from "../auth/session-store";
import { type HistoryStore } from "../history/history-store";
import { type TurnRelay } from "../server/turns/turn-relay";

/** Where the stores keep their state. */
export type StoreKind = "memory" | "sqlite" | "postgres";

/**
 * Every piece of server state, behind one seam: sessions, login failure counts, started OAuth2 sign-ins
 * and (with a database) conversation history with feedback. A replica that keeps these in SQLite or PostgreSQL holds nothing
 * another replica needs. RagbitsAPI opens them from `databaseUrl` (see openStores).
 */
export interface ServerStores {
  readonly kind: StoreKind;
  readonly sessions: SessionStore;
  readonly loginAttempts: LoginAttemptStore;
  /**
   * Started OAuth2 sign-ins waiting for their callback, which may reach another replica. Optional for
   * stores of your own: without it they are kept in each process's memory.
   */
  readonly authStates?: AuthStateStore | undefined;
  /**
   * Conversations and feedback, used when the ChatInterface sets no `historyPersistence` of its own.
   * None in memory: without a database the server keeps no history unless the app asks for one.
   */
  readonly history: HistoryStore | undefined;
  /**
   * Resumable turns across replicas (PostgreSQL): the events of the turns this replica runs, for a
   * client that re-attaches through another one. None in memory or SQLite (one process, one machine).
   */
  readonly turnRelay?: TurnRelay | undefined;
  /** Connects, creates or migrates the schema: RagbitsAPI calls it at start-up, so problems show then. */
  open(): Promise<void>;
  /** Resolves when the stores answer; rejects with a StoreError ("unavailable" when the database is down). */
  ping(): Promise<void>;
  /** Finishes pending writes (within a bounded time) and releases connections and timers. */
  close(): Promise<void>;
}
