import { randomUUID } from "node:crypto";
import { type HistoryPersistence, type InteractionRecord } from "../../history/history-persistence";
import { HistoryStoreError, messageOf } from "../../history/history-store-error";
import { type ConversationPage, type FeedbackRecord, type HistoryStore, type InteractionWithFeedback, type ListConversationsOptions } from "../../history/history-store";
import { decodeCursor, encodeCursor, pageSize } from "../../history/conversation-cursor";
import { conversationTitle, notOwnerError, ownerId, ownerKey } from "../../history/conversation-owner";
import { feedbackShape } from "../../history/stored-feedback";
import { storedInteraction } from "../../history/stored-interaction";
import { StoreError } from "../store-error";
import { type StoreLogger } from "../store-logger";
import { type PostgresDatabase } from "./postgres-database";
import { SaveRetryQueue } from "./save-retry-queue";

/** An interaction ready to insert: its JSON made once, its key fixed, so a retried insert is the same insert. */
interface PendingInteraction {
  key: string;
  conversationId: string;
  messageId: string;
  owner: string;
  title: string;
  startedAt: number;
  finishedAt: number;
  status: string;
  json: string;
}

export interface PostgresHistoryStoreOptions {
  /** Interactions kept in memory while the database is unreachable (default 1000). */
  retryQueueLimit?: number | undefined;
  /** How long close() keeps trying to save queued interactions (default 2000 ms). */
  closeFlushMs?: number | undefined;
  logger: StoreLogger;
}

// One statement, one round trip: the conversation row is created (or its times and title updated)
// only when the owner matches, and the interaction is inserted only when that happened. A retried
// insert (same interaction_key) does nothing.
const SAVE_SQL = `WITH conversation AS (
    INSERT INTO ragbits_conversations AS c (conversation_id, user_key, title, created_at, updated_at)
    VALUES ($1, $2, $3, $4, $5)
    ON CONFLICT (conversation_id) DO UPDATE SET
      title = CASE WHEN EXCLUDED.created_at < c.created_at THEN EXCLUDED.title ELSE c.title END,
      created_at = LEAST(c.created_at, EXCLUDED.created_at),
      updated_at = GREATEST(c.updated_at, EXCLUDED.updated_at)
    WHERE c.user_key = EXCLUDED.user_key
    RETURNING conversation_id
  )
  INSERT INTO ragbits_interactions (interaction_key, conversation_id, message_id, started_at, finished_at, status, record)
  SELECT $6, conversation_id, $7, $4, $5, $8, $9 FROM conversation
  ON CONFLICT (interaction_key) DO NOTHING
  RETURNING id`;

const LIST_SQL = `SELECT c.conversation_id, c.title, c.created_at, c.updated_at,
    (SELECT count(*) FROM ragbits_interactions i WHERE i.conversation_id = c.conversation_id)::int AS interaction_count
  FROM ragbits_conversations c
  WHERE c.user_key = $1 AND ($2::bigint IS NULL OR (c.updated_at, c.conversation_id) < ($2::bigint, $3::text COLLATE "C"))
  ORDER BY c.updated_at DESC, c.conversation_id DESC
  LIMIT $4`;

const READ_SQL = `SELECT i.record, f.feedback, f.payload AS feedback_payload, f.created_at AS feedback_at
  FROM ragbits_conversations c
  JOIN ragbits_interactions i ON i.conversation_id = c.conversation_id
  LEFT JOIN ragbits_feedback f ON f.message_id = i.message_id AND f.user_key = c.user_key
  WHERE c.conversation_id = $1 AND c.user_key = $2
  ORDER BY i.started_at, i.id`;

// Data-modifying CTEs all run, whether or not the final SELECT reads them.
const DELETE_SQL = `WITH conversation AS (
    DELETE FROM ragbits_conversations WHERE conversation_id = $1 AND user_key = $2 RETURNING conversation_id
  ), interactions AS (
    DELETE FROM ragbits_interactions i USING conversation c WHERE i.conversation_id = c.conversation_id RETURNING i.message_id
  ), feedback AS (
    DELETE FROM ragbits_feedback f USING interactions i WHERE f.message_id = i.message_id AND f.user_key = $2
  )
  SELECT count(*)::int AS deleted FROM conversation`;

/**
 * Conversations, interactions and feedback in PostgreSQL, shared by every replica. When the database
 * is unreachable, a finished interaction is not lost: it waits in a bounded in-memory queue and is
 * saved when the database answers again (see SaveRetryQueue); reads fail with a StoreError
 * "unavailable" (the API answers 503).
 */
export class PostgresHistoryStore implements HistoryStore, HistoryPersistence {
  private readonly queue: SaveRetryQueue<PendingInteraction>;
  private readonly closeFlushMs: number;
  private closing: Promise<void> | undefined;

  constructor(
    private readonly database: PostgresDatabase,
    options: PostgresHistoryStoreOptions,
  ) {
    this.closeFlushMs = options.closeFlushMs ?? 2_000;
    this.queue = new SaveRetryQueue({
      limit: options.retryQueueLimit ?? 1_000,
      save: (pending) => this.insert(pending),
      isRetryable: (error) => StoreError.isUnavailable(error),
      describe: (pending) => ({ conversationId: pending.conversationId, messageId: pending.messageId }),
      logger: options.logger,
    });
  }

  /** Interactions waiting for the database to come back. */
  get pendingSaves(): number {
    return this.queue.size;
  }

  async open(): Promise<void> {
    this.assertOpen();
    await this.database.open();
  }

  async ping(): Promise<void> {
    this.assertOpen();
    await this.database.ping();
  }

  /**
   * Saves the interaction; while the database is unreachable, queues it for later and resolves (the
   * outage and any loss are logged by the queue). Other failures reject (not JSON, not the owner...).
   */
  async saveInteraction(record: InteractionRecord): Promise<void> {
    this.assertOpen();
    const pending = toPending(record);
    // Behind the queue while it holds anything: interactions are saved in the order they finished.
    if (this.queue.size > 0) return this.queue.push(pending);
    try {
      await this.insert(pending);
    } catch (error) {
      if (!StoreError.isUnavailable(error)) throw error;
      this.queue.push(pending);
    }
  }

  async getConversation(conversationId: string): Promise<InteractionRecord[]> {
    this.assertOpen();
    const rows = await this.database.query<{ record: InteractionRecord }>(
      "reading a conversation",
      "SELECT record FROM ragbits_interactions WHERE conversation_id = $1 ORDER BY started_at, id",
      [conversationId],
      HistoryStoreError,
    );
    return rows.map((row) => row.record);
  }

  async saveFeedback(feedback: FeedbackRecord): Promise<void> {
    this.assertOpen();
    const shaped = feedbackShape(feedback);
    const payload = toJson(shaped.payload, () => `feedback on ${feedback.messageId}`);
    await this.database.query(
      "saving feedback",
      `INSERT INTO ragbits_feedback (message_id, user_key, feedback, payload, created_at) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (message_id, user_key) DO UPDATE SET feedback = EXCLUDED.feedback, payload = EXCLUDED.payload, created_at = EXCLUDED.created_at`,
      [shaped.messageId, ownerKey(shaped.userId), shaped.feedback, payload, shaped.createdAt],
      HistoryStoreError,
    );
  }

  async listConversations(userId: string | undefined, options: ListConversationsOptions = {}): Promise<ConversationPage> {
    this.assertOpen();
    const cursor = decodeCursor(options.cursor);
    const limit = pageSize(options.limit);
    const rows = await this.database.query<{ conversation_id: string; title: string; created_at: string; updated_at: string; interaction_count: number }>(
      "listing conversations",
      LIST_SQL,
      [ownerKey(userId), cursor?.updatedAt ?? null, cursor?.conversationId ?? null, limit + 1],
      HistoryStoreError,
    );
    const conversations = rows.slice(0, limit).map((row) => ({
      conversationId: row.conversation_id,
      title: row.title,
      createdAt: Number(row.created_at),
      updatedAt: Number(row.updated_at),
      interactionCount: row.interaction_count,
    }));
    const last = conversations.at(-1);
    return { conversations, nextCursor: rows.length > limit && last ? encodeCursor(last) : null };
  }

  async readConversation(conversationId: string, userId: string | undefined): Promise<InteractionWithFeedback[] | undefined> {
    this.assertOpen();
    const owner = ownerKey(userId);
    const rows = await this.database.query<{ record: InteractionRecord; feedback: string | null; feedback_payload: Record<string, unknown> | null; feedback_at: string | null }>(
      "reading a conversation",
      READ_SQL,
      [conversationId, owner],
      HistoryStoreError,
    );
    if (rows.length === 0) return undefined;
    return rows.map((row) => {
      if (row.feedback === null || row.feedback_payload === null || row.feedback_at === null) return { ...row.record, feedback: null };
      const feedback: FeedbackRecord = { messageId: row.record.messageId, feedback: row.feedback as FeedbackRecord["feedback"], payload: row.feedback_payload, createdAt: Number(row.feedback_at) };
      const feedbackUser = ownerId(owner);
      if (feedbackUser !== undefined) feedback.userId = feedbackUser;
      return { ...row.record, feedback };
    });
  }

  async deleteConversation(conversationId: string, userId: string | undefined): Promise<boolean> {
    this.assertOpen();
    const rows = await this.database.query<{ deleted: number }>("deleting a conversation", DELETE_SQL, [conversationId, ownerKey(userId)], HistoryStoreError);
    return (rows[0]?.deleted ?? 0) > 0;
  }

  /** Tries once more (for a bounded time) to save what waits in the queue, logs what is lost, and stops. */
  close(): Promise<void> {
    this.closing ??= this.queue.close(this.closeFlushMs).then(() => undefined);
    return this.closing;
  }

  private async insert(pending: PendingInteraction): Promise<void> {
    const inserted = await this.database.query<{ id: string }>(
      "saving an interaction",
      SAVE_SQL,
      [pending.conversationId, pending.owner, pending.title, pending.startedAt, pending.finishedAt, pending.key, pending.messageId, pending.status, pending.json],
      HistoryStoreError,
    );
    if (inserted.length > 0) return;
    // Nothing inserted: the conversation is someone else's, or this very insert already happened (a retry).
    const owners = await this.database.query<{ user_key: string }>("saving an interaction", "SELECT user_key FROM ragbits_conversations WHERE conversation_id = $1", [pending.conversationId], HistoryStoreError);
    if (owners[0] && owners[0].user_key !== pending.owner) throw notOwnerError(pending.conversationId);
  }

  private assertOpen(): void {
    if (this.closing) throw new HistoryStoreError({ code: "closed", message: "the PostgreSQL history store is closed" });
  }
}

function toPending(record: InteractionRecord): PendingInteraction {
  const stored = storedInteraction(record);
  return {
    key: randomUUID(),
    conversationId: stored.conversationId,
    messageId: stored.messageId,
    owner: ownerKey(stored.userId),
    title: conversationTitle(stored.message).replaceAll("\u0000", ""),
    startedAt: stored.startedAt,
    finishedAt: stored.finishedAt,
    status: stored.status,
    json: toJson(stored, () => `interaction ${record.messageId} of conversation ${record.conversationId}`),
  };
}

function toJson(value: unknown, what: () => string): string {
  try {
    return JSON.stringify(value);
  } catch (error) {
    throw new HistoryStoreError({ code: "serialize-failed", message: `${what()} cannot be saved as JSON: ${messageOf(error)}`, cause: error });
  }
}
