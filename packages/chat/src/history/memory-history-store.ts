import { type HistoryPersistence, type InteractionRecord } from "./history-persistence";
import { HistoryStoreError, messageOf } from "./history-store-error";
import { type ConversationPage, type ConversationSummary, type FeedbackRecord, type HistoryStore, type InteractionWithFeedback, type ListConversationsOptions } from "./history-store";
import { compareIds, decodeCursor, encodeCursor, isAfterCursor, pageSize } from "./conversation-cursor";
import { conversationTitle, notOwnerError, ownerKey } from "./conversation-owner";
import { feedbackShape } from "./stored-feedback";
import { storedInteraction } from "./stored-interaction";

interface Conversation {
  owner: string;
  title: string;
  createdAt: number;
  updatedAt: number;
  /** Stored as JSON text: what a database would hold, so callers never share objects with the store. */
  interactions: string[];
}

/**
 * Conversations and feedback in this process's memory: for tests and a single process that does not
 * need its history after a restart. Everything is lost when the process stops, and nothing is ever
 * evicted: use SQLite or PostgreSQL for real traffic.
 */
export class MemoryHistoryStore implements HistoryStore, HistoryPersistence {
  private readonly conversations = new Map<string, Conversation>();
  /** Keyed by owner key and message id. */
  private readonly feedback = new Map<string, FeedbackRecord>();
  private closed = false;

  async open(): Promise<void> {
    this.assertOpen();
  }

  async ping(): Promise<void> {
    this.assertOpen();
  }

  async saveInteraction(record: InteractionRecord): Promise<void> {
    this.assertOpen();
    const stored = storedInteraction(record);
    const json = toJson(stored, () => `interaction ${record.messageId} of conversation ${record.conversationId}`);
    const owner = ownerKey(stored.userId);
    const conversation = this.conversations.get(stored.conversationId);
    if (!conversation) {
      this.conversations.set(stored.conversationId, { owner, title: conversationTitle(stored.message), createdAt: stored.startedAt, updatedAt: stored.finishedAt, interactions: [json] });
      return;
    }
    if (conversation.owner !== owner) throw notOwnerError(stored.conversationId);
    if (stored.startedAt < conversation.createdAt) {
      conversation.createdAt = stored.startedAt;
      conversation.title = conversationTitle(stored.message);
    }
    conversation.updatedAt = Math.max(conversation.updatedAt, stored.finishedAt);
    conversation.interactions.push(json);
  }

  async getConversation(conversationId: string): Promise<InteractionRecord[]> {
    this.assertOpen();
    return this.records(this.conversations.get(conversationId));
  }

  async saveFeedback(feedback: FeedbackRecord): Promise<void> {
    this.assertOpen();
    const stored: FeedbackRecord = JSON.parse(toJson(feedbackShape(feedback), () => `feedback on ${feedback.messageId}`));
    this.feedback.set(feedbackKey(ownerKey(feedback.userId), feedback.messageId), stored);
  }

  async listConversations(userId: string | undefined, options: ListConversationsOptions = {}): Promise<ConversationPage> {
    this.assertOpen();
    const owner = ownerKey(userId);
    const cursor = decodeCursor(options.cursor);
    const limit = pageSize(options.limit);
    const mine = [...this.conversations]
      .filter(([conversationId, conversation]) => conversation.owner === owner && isAfterCursor({ updatedAt: conversation.updatedAt, conversationId }, cursor))
      .sort(([idA, a], [idB, b]) => b.updatedAt - a.updatedAt || compareIds(idB, idA));
    const page = mine.slice(0, limit).map(([conversationId, conversation]): ConversationSummary => ({
      conversationId,
      title: conversation.title,
      createdAt: conversation.createdAt,
      updatedAt: conversation.updatedAt,
      interactionCount: conversation.interactions.length,
    }));
    const last = page.at(-1);
    return { conversations: page, nextCursor: mine.length > limit && last ? encodeCursor(last) : null };
  }

  async readConversation(conversationId: string, userId: string | undefined): Promise<InteractionWithFeedback[] | undefined> {
    this.assertOpen();
    const conversation = this.conversations.get(conversationId);
    if (!conversation || conversation.owner !== ownerKey(userId)) return undefined;
    return this.records(conversation).map((record) => ({ ...record, feedback: this.feedback.get(feedbackKey(conversation.owner, record.messageId)) ?? null }));
  }

  async deleteConversation(conversationId: string, userId: string | undefined): Promise<boolean> {
    this.assertOpen();
    const conversation = this.conversations.get(conversationId);
    if (!conversation || conversation.owner !== ownerKey(userId)) return false;
    for (const record of this.records(conversation)) this.feedback.delete(feedbackKey(conversation.owner, record.messageId));
    this.conversations.delete(conversationId);
    return true;
  }

  async close(): Promise<void> {
    this.closed = true;
    this.conversations.clear();
    this.feedback.clear();
  }

  private records(conversation: Conversation | undefined): InteractionRecord[] {
    if (!conversation) return [];
    // Oldest first; records that started together keep their save order (the sort is stable).
    return conversation.interactions.map((json) => JSON.parse(json) as InteractionRecord).sort((a, b) => a.startedAt - b.startedAt);
  }

  private assertOpen(): void {
    if (this.closed) throw new HistoryStoreError({ code: "closed", message: "the memory history store is closed" });
  }
}

function feedbackKey(owner: string, messageId: string): string {
  return `${owner}\u0000${messageId}`;
}

function toJson(value: unknown, what: () => string): string {
  try {
    return JSON.stringify(value);
  } catch (error) {
    throw new HistoryStoreError({ code: "serialize-failed", message: `${what()} cannot be saved as JSON: ${messageOf(error)}`, cause: error });
  }
}
