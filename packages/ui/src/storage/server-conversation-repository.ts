import { type ConversationListItem } from "@ragbits/chat/client";
import { type ApiClient } from "../api/api-client";
import { type Conversation, type ConversationSummary } from "../chat/chat-types";
import { fromServerConversation } from "../chat/server-conversation";
import { type ConversationRepository } from "./conversation-repository";

/** Conversations per request: enough for a full sidebar, few enough to answer fast. */
export const PAGE_SIZE = 30;

/**
 * The signed-in user's conversations as the server keeps them (GET/DELETE /api/conversations):
 * they follow the user to any browser and any replica. The server records each answer itself when
 * it ends, so `save` has nothing to do; a conversation's key is the server's conversation id.
 */
export class ServerConversationRepository implements ConversationRepository {
  readonly kind = "server";
  private listed: ConversationSummary[] = [];
  private cursor: string | null = null;

  constructor(private readonly api: ApiClient) {}

  get hasMore(): boolean {
    return this.cursor !== null;
  }

  async list(): Promise<ConversationSummary[]> {
    const page = await this.api.conversations({ limit: PAGE_SIZE });
    this.listed = page.conversations.map(toSummary);
    this.cursor = page.next_cursor;
    return this.listed;
  }

  async listMore(): Promise<ConversationSummary[]> {
    if (!this.cursor) return this.listed;
    const page = await this.api.conversations({ limit: PAGE_SIZE, cursor: this.cursor });
    // A conversation updated meanwhile may show on both pages: keep its first (newer) place.
    const known = new Set(this.listed.map((c) => c.id));
    this.listed = [...this.listed, ...page.conversations.map(toSummary).filter((c) => !known.has(c.id))];
    this.cursor = page.next_cursor;
    return this.listed;
  }

  async get(id: string): Promise<Conversation | null> {
    const conversation = await this.api.conversation(id);
    return conversation ? fromServerConversation(conversation) : null;
  }

  async save(): Promise<void> {
    // The server saved it when its answer ended.
  }

  async delete(id: string): Promise<void> {
    await this.api.deleteConversation(id);
  }
}

function toSummary(item: ConversationListItem): ConversationSummary {
  return { id: String(item.id), title: typeof item.title === "string" && item.title.trim() !== "" ? item.title : "Conversation", updatedAt: typeof item.updated_at === "number" ? item.updated_at : 0 };
}
