import type BetterSqlite3 from "better-sqlite3";
import { SqliteDatabase, connectSqlite } from "../stores/sqlite/sqlite-database";
import { type HistoryPersistence, type InteractionRecord } from "./history-persistence";
import { HistoryStoreError, messageOf } from "./history-store-error";
import { type ConversationPage, type FeedbackRecord, type HistoryStore, type InteractionWithFeedback, type ListConversationsOptions } from "./history-store";
import { decodeCursor, encodeCursor, pageSize } from "./conversation-cursor";
import { conversationTitle, notOwnerError, ownerId, ownerKey } from "./conversation-owner";
import { fromInteractionRow, type InteractionRow, parseJsonColumn, toInteractionRow } from "./sqlite-interaction-row";
import { feedbackShape } from "./stored-feedback";

export type SqliteHistoryStoreOptions =
  | {
      /**
       * The database file, or ":memory:" for a private in-memory database (gone when closed). Give the
       * store a database of its own: it owns the file's `user_version` pragma for its schema version.
       */
      path: string;
      /** Create the file's parent directories when they are missing (default true). */
      createDirectory?: boolean | undefined;
    }
  | {
      /** A database shared with other stores (sessions, login limits); the store does not close it. */
      database: SqliteDatabase;
    };

interface Statements {
  insert: BetterSqlite3.Statement<[InteractionRow]>;
  selectConversation: BetterSqlite3.Statement<[string], InteractionRow & { user_key: string | null }>;
  selectOwner: BetterSqlite3.Statement<[string], ConversationRow>;
  insertConversation: BetterSqlite3.Statement<[ConversationRow]>;
  updateConversation: BetterSqlite3.Statement<[ConversationRow]>;
  upsertFeedback: BetterSqlite3.Statement<[FeedbackRow]>;
  listConversations: BetterSqlite3.Statement<[ListParameters], ConversationRow & { interaction_count: number }>;
  readConversation: BetterSqlite3.Statement<[string, string], InteractionRow & FeedbackColumns>;
  deleteFeedback: BetterSqlite3.Statement<[string, string]>;
  deleteInteractions: BetterSqlite3.Statement<[string]>;
  deleteConversation: BetterSqlite3.Statement<[string, string]>;
  save: (row: InteractionRow, conversation: ConversationRow) => void;
  remove: (conversationId: string, owner: string) => boolean;
}

interface ConversationRow {
  conversation_id: string;
  user_key: string;
  title: string;
  created_at: number;
  updated_at: number;
}

interface FeedbackRow {
  message_id: string;
  user_key: string;
  feedback: string;
  payload: string;
  created_at: number;
}

interface FeedbackColumns {
  feedback: string | null;
  feedback_payload: string | null;
  feedback_at: number | null;
  user_key: string;
}

interface ListParameters {
  user_key: string;
  after_updated_at: number | null;
  after_id: string | null;
  limit: number;
}

const INTERACTION_COLUMNS = "i.conversation_id, i.message_id, i.message, i.history, i.response, i.events, i.context, i.started_at, i.finished_at, i.status, i.error";

const INSERT_SQL = `INSERT INTO interactions
  (conversation_id, message_id, message, history, response, events, context, started_at, finished_at, status, error)
  VALUES (@conversation_id, @message_id, @message, @history, @response, @events, @context, @started_at, @finished_at, @status, @error)`;

// The index on (conversation_id, started_at) serves both the filter and the order; id breaks ties in insertion order.
const SELECT_CONVERSATION_SQL = `SELECT ${INTERACTION_COLUMNS}, c.user_key
  FROM interactions i LEFT JOIN conversations c ON c.conversation_id = i.conversation_id
  WHERE i.conversation_id = ? ORDER BY i.started_at, i.id`;

const READ_CONVERSATION_SQL = `SELECT ${INTERACTION_COLUMNS}, c.user_key, f.feedback, f.payload AS feedback_payload, f.created_at AS feedback_at
  FROM conversations c
  JOIN interactions i ON i.conversation_id = c.conversation_id
  LEFT JOIN feedback f ON f.message_id = i.message_id AND f.user_key = c.user_key
  WHERE c.conversation_id = ? AND c.user_key = ? ORDER BY i.started_at, i.id`;

// Keyset pagination over the conversations_by_user index: newest first, ties by id.
const LIST_SQL = `SELECT c.conversation_id, c.user_key, c.title, c.created_at, c.updated_at,
    (SELECT COUNT(*) FROM interactions i WHERE i.conversation_id = c.conversation_id) AS interaction_count
  FROM conversations c
  WHERE c.user_key = @user_key
    AND (@after_updated_at IS NULL OR c.updated_at < @after_updated_at OR (c.updated_at = @after_updated_at AND c.conversation_id < @after_id))
  ORDER BY c.updated_at DESC, c.conversation_id DESC LIMIT @limit`;

/**
 * Keeps interactions in a SQLite database (better-sqlite3, loaded on first use), indexed by
 * conversation, with each conversation's owner and the feedback given on its interactions. WAL mode
 * lets readers and the writer, and several processes, share the file.
 */
export class SqliteHistoryStore implements HistoryStore, HistoryPersistence {
  private readonly database: SqliteDatabase;
  private readonly ownsDatabase: boolean;
  private prepared: Statements | undefined;
  private closed = false;

  constructor(options: SqliteHistoryStoreOptions) {
    if ("database" in options) {
      this.database = options.database;
      this.ownsDatabase = false;
    } else {
      this.database = new SqliteDatabase(options);
      this.ownsDatabase = true;
    }
  }

  get path(): string {
    return this.database.path;
  }

  /** Loads better-sqlite3 and opens the database now rather than on first use, so problems show at startup. */
  async open(): Promise<void> {
    await this.statements();
  }

  async ping(): Promise<void> {
    const db = await connectSqlite(this.database);
    db.prepare("SELECT 1").get();
  }

  async saveInteraction(record: InteractionRecord): Promise<void> {
    const { save } = await this.statements();
    const row = toInteractionRow(record);
    const conversation: ConversationRow = {
      conversation_id: record.conversationId,
      user_key: ownerKey(record.userId),
      title: conversationTitle(record.message),
      created_at: record.startedAt,
      updated_at: record.finishedAt,
    };
    try {
      save(row, conversation);
    } catch (error) {
      if (HistoryStoreError.isInstance(error)) throw error;
      throw new HistoryStoreError({ code: "io-failed", message: `cannot save interaction ${record.messageId} to ${this.path}: ${messageOf(error)}`, cause: error });
    }
  }

  async getConversation(conversationId: string): Promise<InteractionRecord[]> {
    const { selectConversation } = await this.statements();
    return selectConversation.all(conversationId).map(withOwner);
  }

  async saveFeedback(feedback: FeedbackRecord): Promise<void> {
    const { upsertFeedback } = await this.statements();
    const shaped = feedbackShape(feedback);
    let payload: string;
    try {
      payload = JSON.stringify(shaped.payload);
    } catch (error) {
      throw new HistoryStoreError({ code: "serialize-failed", message: `feedback on ${feedback.messageId} cannot be saved as JSON: ${messageOf(error)}`, cause: error });
    }
    upsertFeedback.run({ message_id: shaped.messageId, user_key: ownerKey(shaped.userId), feedback: shaped.feedback, payload, created_at: shaped.createdAt });
  }

  async listConversations(userId: string | undefined, options: ListConversationsOptions = {}): Promise<ConversationPage> {
    const { listConversations } = await this.statements();
    const cursor = decodeCursor(options.cursor);
    const limit = pageSize(options.limit);
    const rows = listConversations.all({ user_key: ownerKey(userId), after_updated_at: cursor?.updatedAt ?? null, after_id: cursor?.conversationId ?? null, limit: limit + 1 });
    const conversations = rows.slice(0, limit).map((row) => ({
      conversationId: row.conversation_id,
      title: row.title,
      createdAt: row.created_at,
      updatedAt: row.updated_at,
      interactionCount: row.interaction_count,
    }));
    const last = conversations.at(-1);
    return { conversations, nextCursor: rows.length > limit && last ? encodeCursor(last) : null };
  }

  async readConversation(conversationId: string, userId: string | undefined): Promise<InteractionWithFeedback[] | undefined> {
    const { readConversation } = await this.statements();
    const rows = readConversation.all(conversationId, ownerKey(userId));
    if (rows.length === 0) return undefined;
    return rows.map((row) => ({ ...withOwner(row), feedback: feedbackOf(row) }));
  }

  async deleteConversation(conversationId: string, userId: string | undefined): Promise<boolean> {
    const { remove } = await this.statements();
    return remove(conversationId, ownerKey(userId));
  }

  /** Closes the database (unless it was given to the store). Later calls to the store are rejected; closing again does nothing. */
  async close(): Promise<void> {
    this.closed = true;
    this.prepared = undefined;
    if (this.ownsDatabase) await this.database.close();
  }

  private async statements(): Promise<Statements> {
    if (this.closed) throw new HistoryStoreError({ code: "closed", message: `the history store for ${this.path} is closed` });
    const db = await connectSqlite(this.database);
    // close() may have run while the database was opening.
    if (this.closed) throw new HistoryStoreError({ code: "closed", message: `the history store for ${this.path} is closed` });
    this.prepared ??= prepare(db);
    return this.prepared;
  }
}

function prepare(db: BetterSqlite3.Database): Statements {
  const statements = {
    insert: db.prepare<[InteractionRow]>(INSERT_SQL),
    selectConversation: db.prepare<[string], InteractionRow & { user_key: string | null }>(SELECT_CONVERSATION_SQL),
    selectOwner: db.prepare<[string], ConversationRow>("SELECT conversation_id, user_key, title, created_at, updated_at FROM conversations WHERE conversation_id = ?"),
    insertConversation: db.prepare<[ConversationRow]>(
      "INSERT INTO conversations (conversation_id, user_key, title, created_at, updated_at) VALUES (@conversation_id, @user_key, @title, @created_at, @updated_at)",
    ),
    updateConversation: db.prepare<[ConversationRow]>(
      "UPDATE conversations SET title = @title, created_at = @created_at, updated_at = @updated_at WHERE conversation_id = @conversation_id",
    ),
    upsertFeedback: db.prepare<[FeedbackRow]>(
      `INSERT INTO feedback (message_id, user_key, feedback, payload, created_at) VALUES (@message_id, @user_key, @feedback, @payload, @created_at)
       ON CONFLICT (message_id, user_key) DO UPDATE SET feedback = excluded.feedback, payload = excluded.payload, created_at = excluded.created_at`,
    ),
    listConversations: db.prepare<[ListParameters], ConversationRow & { interaction_count: number }>(LIST_SQL),
    readConversation: db.prepare<[string, string], InteractionRow & FeedbackColumns>(READ_CONVERSATION_SQL),
    deleteFeedback: db.prepare<[string, string]>("DELETE FROM feedback WHERE message_id IN (SELECT message_id FROM interactions WHERE conversation_id = ?) AND user_key = ?"),
    deleteInteractions: db.prepare<[string]>("DELETE FROM interactions WHERE conversation_id = ?"),
    deleteConversation: db.prepare<[string, string]>("DELETE FROM conversations WHERE conversation_id = ? AND user_key = ?"),
  };
  // IMMEDIATE: the write lock is taken before the owner is read, so two processes cannot both create the conversation.
  const save = db.transaction((row: InteractionRow, conversation: ConversationRow) => {
    const existing = statements.selectOwner.get(conversation.conversation_id);
    if (!existing) statements.insertConversation.run(conversation);
    else if (existing.user_key !== conversation.user_key) throw notOwnerError(conversation.conversation_id);
    else {
      const earlier = conversation.created_at < existing.created_at;
      statements.updateConversation.run({
        ...existing,
        title: earlier ? conversation.title : existing.title,
        created_at: Math.min(existing.created_at, conversation.created_at),
        updated_at: Math.max(existing.updated_at, conversation.updated_at),
      });
    }
    statements.insert.run(row);
  });
  const remove = db.transaction((conversationId: string, owner: string) => {
    if (statements.selectOwner.get(conversationId)?.user_key !== owner) return false;
    statements.deleteFeedback.run(conversationId, owner);
    statements.deleteInteractions.run(conversationId);
    statements.deleteConversation.run(conversationId, owner);
    return true;
  });
  return { ...statements, save: (row, conversation) => save.immediate(row, conversation), remove: (conversationId, owner) => remove.immediate(conversationId, owner) };
}

function withOwner(row: InteractionRow & { user_key: string | null }): InteractionRecord {
  const record = fromInteractionRow(row);
  const userId = row.user_key === null ? undefined : ownerId(row.user_key);
  if (userId !== undefined) record.userId = userId;
  return record;
}

function feedbackOf(row: InteractionRow & FeedbackColumns): FeedbackRecord | null {
  if (row.feedback === null || row.feedback_payload === null || row.feedback_at === null) return null;
  const feedback: FeedbackRecord = {
    messageId: row.message_id,
    feedback: row.feedback as FeedbackRecord["feedback"],
    payload: parseJsonColumn(row.feedback_payload, `the feedback payload of interaction ${row.message_id}`) as Record<string, unknown>,
    createdAt: row.feedback_at,
  };
  const userId = ownerId(row.user_key);
  if (userId !== undefined) feedback.userId = userId;
  return feedback;
}
