import type { ToolConfirmation } from "../protocol/chat-request";
import type { User } from "../protocol/user";

// Wire types live in protocol/ (which never imports interface/); re-exported for existing importers.
export type { ToolConfirmation, User };

/**
 * What `chat()` knows about the request besides the message and history: the wire context in
 * camelCase, the authenticated user, and a signal that aborts when the client goes away.
 */
export interface ChatContext {
  /** Set by the framework: the client's, or a new one for a new conversation. */
  conversationId: string;
  /** Set by the framework: the client's, or a new one. */
  messageId: string;
  /** The state the client sent back (its signature verified), or `{}`. */
  state: Record<string, unknown>;
  /** The client's IANA time zone, when it sent one. */
  timezone?: string;
  /** Values of the user-settings form. */
  userSettings: Record<string, unknown>;
  toolConfirmations: ToolConfirmation[];
  /** The signed-in user, when authentication is on. */
  user?: User;
  sessionId?: string;
  /**
   * Aborted when the client disconnects or stops the answer. It is the same signal as the turn's
   * abort scope: LLM calls made inside `chat()` already stop when it aborts, without being given it.
   * Pass it to other cancellable work (fetch, database queries, your own timers).
   */
  signal: AbortSignal;
  /** Context keys the protocol does not define, as the client sent them. */
  extra: Record<string, unknown>;
}
