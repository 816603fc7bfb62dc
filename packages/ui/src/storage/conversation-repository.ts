import { type Conversation, type ConversationSummary } from "../chat/chat-types";

/** Where conversations are kept between page loads. */
export interface ConversationRepository {
  /** Most recently updated first. */
  list(): Promise<ConversationSummary[]>;
  get(id: string): Promise<Conversation | null>;
  save(conversation: Conversation): Promise<void>;
  delete(id: string): Promise<void>;
}
