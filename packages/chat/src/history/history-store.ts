import { type FeedbackType } from "../protocol/feedback-request";
import { type HistoryPersistence, type InteractionRecord } from "./history-persistence";

/** A like or dislike, as the store keeps it on the interaction it is about. */
export interface FeedbackRecord {
  /** The interaction's message id. */
  messageId: string;
  /** Who gave it (the signed-in user's `user_id`); absent without auth. */
  userId?: string;
  feedback: FeedbackType;
  /** The feedback form's answers. */
  payload: Record<string, unknown>;
  createdAt: number;
}

/** An interaction read back with the feedback its user gave on it (the latest, or null). */
export interface InteractionWithFeedback extends InteractionRecord {
  feedback: FeedbackRecord | null;
}

/** One conversation in a user's list. */
export interface ConversationSummary {
  conversationId: string;
  /** The first message of the conversation (at most 200 characters). */
  title: string;
  /** When its first interaction started (ms since the epoch). */
  createdAt: number;
  /** When its latest interaction finished. */
  updatedAt: number;
  interactionCount: number;
}

export interface ListConversationsOptions {
  /** Conversations per page: 1 to 100, default 20. */
  limit?: number | undefined;
  /** `nextCursor` of the previous page; absent or null for the first page. */
  cursor?: string | null | undefined;
}

export interface ConversationPage {
  /** Newest first (by `updatedAt`). */
  conversations: ConversationSummary[];
  /** Pass to the next call for the following page; null on the last page. */
  nextCursor: string | null;
}

/**
 * A history that knows whose conversation is whose, and keeps feedback on the interaction it is
 * about: what the server needs to show a signed-in user their conversations from any replica.
 * Memory, SQLite and PostgreSQL implement it (JSONL is the plain HistoryPersistence).
 *
 * Ownership: the first interaction of a conversation decides its owner (`record.userId`, or nobody
 * without auth). Interactions of another user are refused with a StoreError "not-owner", so nobody
 * can write into a conversation they do not own; reading and deleting check the owner the same way.
 * Feedback is kept per (message id, user): feedback by anyone but the owner never shows on it.
 */
export interface HistoryStore extends HistoryPersistence {
  /** Creates the tables (migrating an older schema) and checks the database answers. */
  open(): Promise<void>;
  /** Records (or replaces) a user's feedback on an interaction, whichever process saved that interaction. */
  saveFeedback(feedback: FeedbackRecord): Promise<void>;
  /** A user's conversations (`undefined`: those saved without a signed-in user), newest first. */
  listConversations(userId: string | undefined, options?: ListConversationsOptions): Promise<ConversationPage>;
  /** The interactions of a conversation with their feedback, oldest first; undefined when it does not exist or belongs to someone else. */
  readConversation(conversationId: string, userId: string | undefined): Promise<InteractionWithFeedback[] | undefined>;
  /** Deletes a conversation of this user with its interactions and feedback; false when there was none to delete. */
  deleteConversation(conversationId: string, userId: string | undefined): Promise<boolean>;
  /** Resolves when the store answers; rejects with a StoreError ("unavailable" when the database is down). */
  ping(): Promise<void>;
  close(): Promise<void>;
}

/** Whether a history persistence is a full HistoryStore (conversations per user, feedback). */
export function isHistoryStore(value: HistoryPersistence | null | undefined): value is HistoryStore {
  if (!value) return false;
  const store = value as Partial<HistoryStore>;
  return ["saveFeedback", "listConversations", "readConversation", "deleteConversation", "ping"].every((method) => typeof store[method as keyof HistoryStore] === "function");
}
