import { type ChatFormat } from "@ragbits/core";
import { type WireEvent } from "../protocol/chat-response";

/** How an interaction ended. */
export type InteractionStatus = "completed" | "aborted" | "error";

/** One question and its answer, as the framework records it. */
export interface InteractionRecord {
  conversationId: string;
  messageId: string;
  /** The user's message. */
  message: string;
  /** The history the client sent with it. */
  history: ChatFormat;
  /** The answer's text: every text event joined (partial when the client disconnected). */
  response: string;
  /** Every other event the answer streamed, as sent on the wire. */
  events: WireEvent[];
  /** The request context (wire field names), without the abort signal. */
  context: Record<string, unknown>;
  /** When the request arrived (ms since the epoch). */
  startedAt: number;
  finishedAt: number;
  status: InteractionStatus;
  /** What went wrong, when status is "error". */
  error?: string;
  /**
   * The signed-in user who asked (their `user_id`), when auth is on. Stores that keep conversations
   * per user (HistoryStore) file the interaction under this user; without it, under nobody.
   */
  userId?: string;
}

/**
 * Where finished interactions go. The framework calls `saveInteraction` once per answered message,
 * after the stream ended, whether it completed, was cut off by the client, or failed.
 */
export interface HistoryPersistence {
  saveInteraction(record: InteractionRecord): Promise<void>;
  /** Opens the store early (RagbitsAPI calls it before listening), so a bad path or missing driver fails at startup. */
  open?(): Promise<void>;
  /** The interactions of a conversation, oldest first. */
  getConversation(conversationId: string): Promise<InteractionRecord[]>;
  close?(): Promise<void>;
}
