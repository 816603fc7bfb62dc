import { type Conversation, type ConversationSummary } from "../chat/chat-types";

/**
 * Where conversations are kept between page loads. "browser": the UI saves them itself (IndexedDB).
 * "server": the server records every answer as it ends and the UI only lists, opens and deletes
 * them; there a conversation's key is the server's conversation id, and nothing is saved or renamed.
 */
export interface ConversationRepository {
  readonly kind: "browser" | "server";
  /** Most recently updated first (for "server", the first page). */
  list(): Promise<ConversationSummary[]>;
  get(id: string): Promise<Conversation | null>;
  save(conversation: Conversation): Promise<void>;
  delete(id: string): Promise<void>;
  /** Whether older conversations than those listed exist ("server" lists a page at a time). */
  readonly hasMore?: boolean;
  /** The list with the next page added (for "server"). */
  listMore?(): Promise<ConversationSummary[]>;
}
