import type { WireEvent } from "./chat-response";
import type { FeedbackType } from "./feedback-request";

/**
 * The signed-in user's conversations kept on the server (GET/DELETE /api/conversations…), offered
 * when auth is on and the history is a HistoryStore (a database). Not part of Python Ragbits: a
 * Ragbits client never asks for them. docs/protocol.md describes them.
 */

/**
 * A response header of GET /api/config: "server" when the server keeps the signed-in user's
 * conversations (the UI lists and opens them from /api/conversations), "none" otherwise. A header,
 * not a key, so the JSON stays byte for byte Python Ragbits' (whose `conversation_history` means
 * "the UI keeps conversations in the browser"). A server that sends no such header offers none.
 */
export const CONVERSATIONS_HEADER = "x-ragbits-conversations";

export type ConversationsAvailability = "server" | "none";

/** One conversation in GET /api/conversations. Times are milliseconds since the epoch. */
export interface ConversationListItem {
  id: string;
  /** Its first message, at most 200 characters. */
  title: string;
  created_at: number;
  /** When its latest interaction finished: the list's order. */
  updated_at: number;
  interaction_count: number;
}

/** GET /api/conversations?limit=&cursor= — newest first. */
export interface ConversationListResponse {
  conversations: ConversationListItem[];
  /** Pass as `cursor` for the next page; null on the last page. */
  next_cursor: string | null;
}

/** The feedback the user gave on an answer (POST /api/feedback), as GET /api/conversations/:id shows it. */
export interface StoredFeedback {
  feedback: FeedbackType;
  payload: Record<string, unknown>;
  created_at: number;
}

/** One question and its answer, as the server recorded it when the answer ended. */
export interface ConversationInteraction {
  message_id: string;
  /** The user's message. */
  message: string;
  /** Every `text` event of the answer joined. */
  answer: string;
  /** Every other event of the answer, as it was sent on the wire, in order. */
  events: WireEvent[];
  /** "aborted": the client went away (or the server stopped) before the answer ended. */
  status: "completed" | "aborted" | "error";
  /** What went wrong, when status is "error"; null otherwise. */
  error: string | null;
  started_at: number;
  finished_at: number;
  feedback: StoredFeedback | null;
}

/** GET /api/conversations/:id — the interactions oldest first. */
export interface ConversationResponse extends ConversationListItem {
  interactions: ConversationInteraction[];
}
