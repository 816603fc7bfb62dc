import { mkdir } from "node:fs/promises";
import { dirname } from "node:path";
import type BetterSqlite3 from "better-sqlite3";
import { HistoryStoreError, messageOf } from "../../history/history-store-error";
import { loadBetterSqlite3 } from "../../history/load-better-sqlite3";
import { migrateSchema } from "../../history/sqlite-schema";

export interface SqliteDatabaseOptions {
  /**
   * The database file, or ":memory:" for a private in-memory database (gone when closed). Give the
   * stores a database of their own: they own the file's `user_version` pragma for their schema version.
   */
  path: string;
  /** Create the file's parent directories when they are missing (default true). */
  createDirectory?: boolean | undefined;
}

/**
 * One SQLite file shared by the stores kept in it (history, sessions, login failures): loads
 * better-sqlite3 on first use, opens the file in WAL mode (readers never block the writer, and
 * several processes can share the file) and brings its schema up to date.
 */
export class SqliteDatabase {
  readonly path: string;
  private readonly createDirectory: boolean;
  private connection: Promise<BetterSqlite3.Database> | undefined;
  private closed = false;

  constructor(options: SqliteDatabaseOptions) {
    this.path = options.path;
    this.createDirectory = options.createDirectory ?? true;
  }

  /** Opens (and migrates) the file now rather than on first use, so problems show at start-up. */
  async open(): Promise<void> {
    await this.connect();
  }

  // Private, so better-sqlite3's types stay out of the package's public types: stores reach it
  // through connectSqlite().
  private async connect(): Promise<BetterSqlite3.Database> {
    this.assertOpen();
    this.connection ??= openDatabase(this.path, this.createDirectory).catch((error: unknown) => {
      // Not cached: the next call tries again (the package may have been installed, the disk freed).
      this.connection = undefined;
      throw error;
    });
    const db = await this.connection;
    // close() may have run while the database was opening.
    this.assertOpen();
    return db;
  }

  /** Closes the file. Later calls are rejected; closing again does nothing. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const opening = this.connection;
    this.connection = undefined;
    // Nothing was ever opened (or opening failed): nothing to close, and no reason to load the driver now.
    const db = await opening?.catch(() => undefined);
    db?.close();
  }

  private assertOpen(): void {
    if (this.closed) throw new HistoryStoreError({ code: "closed", message: `the SQLite stores for ${this.path} are closed` });
  }
}

async function openDatabase(path: string, createDirectory: boolean): Promise<BetterSqlite3.Database> {
  const Database = await loadBetterSqlite3();
  if (createDirectory && isFilePath(path)) await mkdir(dirname(path), { recursive: true });
  let db: BetterSqlite3.Database;
  try {
    db = new Database(path);
  } catch (error) {
    throw new HistoryStoreError({ code: "io-failed", message: `cannot open the SQLite database ${path}: ${messageOf(error)}`, cause: error });
  }
  try {
    // WAL: a reader never blocks the writer. NORMAL sync is safe with WAL (no corruption); a power
    // cut may lose the last saves, a process crash loses nothing.
    db.pragma("journal_mode = WAL");
    db.pragma("synchronous = NORMAL");
    migrateSchema(db, path);
    return db;
  } catch (error) {
    db.close();
    if (HistoryStoreError.isInstance(error)) throw error;
    throw new HistoryStoreError({ code: "io-failed", message: `cannot set up the tables in ${path}: ${messageOf(error)}`, cause: error });
  }
}

/** The open better-sqlite3 database of `database` (opened and migrated on the first call); rejects after close(). */
export function connectSqlite(database: SqliteDatabase): Promise<BetterSqlite3.Database> {
  return (database as unknown as { connect(): Promise<BetterSqlite3.Database> }).connect();
}

/** ":memory:", "" (a temporary database) and file: URIs name no directory to create. */
function isFilePath(path: string): boolean {
  return path !== ":memory:" && path !== "" && !path.startsWith("file:");
}
