import { mkdir } from "node:fs/promises";
import { dirname } from "node:path";
import type BetterSqlite3 from "better-sqlite3";
import { type HistoryPersistence, type InteractionRecord } from "./history-persistence";
import { HistoryStoreError, messageOf } from "./history-store-error";
import { loadBetterSqlite3 } from "./load-better-sqlite3";
import { fromInteractionRow, type InteractionRow, toInteractionRow } from "./sqlite-interaction-row";
import { migrateSchema } from "./sqlite-schema";

export interface SqliteHistoryStoreOptions {
  /**
   * The database file, or ":memory:" for a private in-memory database (gone when closed). Give the
   * store a database of its own: it owns the file's `user_version` pragma for its schema version.
   */
  path: string;
  /** Create the file's parent directories when they are missing (default true). */
  createDirectory?: boolean;
}

/** An open database and the statements prepared on it, once. */
interface Connection {
  db: BetterSqlite3.Database;
  insert: BetterSqlite3.Statement<[InteractionRow]>;
  selectConversation: BetterSqlite3.Statement<[string], InteractionRow>;
}

const INSERT_SQL = `INSERT INTO interactions
  (conversation_id, message_id, message, history, response, events, context, started_at, finished_at, status, error)
  VALUES (@conversation_id, @message_id, @message, @history, @response, @events, @context, @started_at, @finished_at, @status, @error)`;

// The index on (conversation_id, started_at) serves both the filter and the order; id breaks ties in insertion order.
const SELECT_CONVERSATION_SQL = `SELECT conversation_id, message_id, message, history, response, events, context, started_at, finished_at, status, error
  FROM interactions WHERE conversation_id = ? ORDER BY started_at, id`;

/**
 * Keeps interactions in a SQLite database (better-sqlite3, loaded on first use), indexed by
 * conversation. WAL mode lets readers and the writer, and several processes, share the file.
 */
export class SqliteHistoryStore implements HistoryPersistence {
  readonly path: string;
  private readonly createDirectory: boolean;
  private connection: Promise<Connection> | undefined;
  private closed = false;

  constructor(options: SqliteHistoryStoreOptions) {
    this.path = options.path;
    this.createDirectory = options.createDirectory ?? true;
  }

  /** Loads better-sqlite3 and opens the database now rather than on first use, so problems show at startup. */
  async open(): Promise<void> {
    await this.connect();
  }

  async saveInteraction(record: InteractionRecord): Promise<void> {
    const { insert } = await this.connect();
    const row = toInteractionRow(record);
    try {
      insert.run(row);
    } catch (error) {
      throw new HistoryStoreError({ code: "io-failed", message: `cannot save interaction ${record.messageId} to ${this.path}: ${messageOf(error)}`, cause: error });
    }
  }

  async getConversation(conversationId: string): Promise<InteractionRecord[]> {
    const { selectConversation } = await this.connect();
    return selectConversation.all(conversationId).map(fromInteractionRow);
  }

  /** Closes the database. Later calls to the store are rejected; closing again does nothing. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const opening = this.connection;
    this.connection = undefined;
    // Nothing was ever opened (or opening failed): nothing to close, and no reason to load the driver now.
    const connection = await opening?.catch(() => undefined);
    connection?.db.close();
  }

  private async connect(): Promise<Connection> {
    this.assertOpen();
    this.connection ??= openConnection(this.path, this.createDirectory).catch((error: unknown) => {
      // Not cached: the next call tries again (the package may have been installed, the disk freed).
      this.connection = undefined;
      throw error;
    });
    const connection = await this.connection;
    // close() may have run while the database was opening.
    this.assertOpen();
    return connection;
  }

  private assertOpen(): void {
    if (this.closed) throw new HistoryStoreError({ code: "closed", message: `the history store for ${this.path} is closed` });
  }
}

async function openConnection(path: string, createDirectory: boolean): Promise<Connection> {
  const Database = await loadBetterSqlite3();
  if (createDirectory && isFilePath(path)) await mkdir(dirname(path), { recursive: true });
  let db: BetterSqlite3.Database;
  try {
    db = new Database(path);
  } catch (error) {
    throw new HistoryStoreError({ code: "io-failed", message: `cannot open the SQLite database ${path}: ${messageOf(error)}`, cause: error });
  }
  try {
    return prepare(db, path);
  } catch (error) {
    db.close();
    if (HistoryStoreError.isInstance(error)) throw error;
    throw new HistoryStoreError({ code: "io-failed", message: `cannot set up the history table in ${path}: ${messageOf(error)}`, cause: error });
  }
}

function prepare(db: BetterSqlite3.Database, path: string): Connection {
  // WAL: a reader never blocks the writer. NORMAL sync is safe with WAL (no corruption); a power
  // cut may lose the last saves, a process crash loses nothing.
  db.pragma("journal_mode = WAL");
  db.pragma("synchronous = NORMAL");
  migrateSchema(db, path);
  return {
    db,
    insert: db.prepare<[InteractionRow]>(INSERT_SQL),
    selectConversation: db.prepare<[string], InteractionRow>(SELECT_CONVERSATION_SQL),
  };
}

/** ":memory:", "" (a temporary database) and file: URIs name no directory to create. */
function isFilePath(path: string): boolean {
  return path !== ":memory:" && path !== "" && !path.startsWith("file:");
}
