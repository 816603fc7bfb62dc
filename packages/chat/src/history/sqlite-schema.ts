import type BetterSqlite3 from "better-sqlite3";
import { HistoryStoreError } from "./history-store-error";

/**
 * Migration N takes the database from schema version N to N + 1; the version is kept in SQLite's
 * `user_version` pragma. Add a migration to change the schema; never edit a released one.
 * Statements are idempotent so a database whose table was created by hand still opens.
 */
const MIGRATIONS: readonly string[] = [
  `CREATE TABLE IF NOT EXISTS interactions (
     id              INTEGER PRIMARY KEY,
     conversation_id TEXT    NOT NULL,
     message_id      TEXT    NOT NULL,
     message         TEXT    NOT NULL,
     history         TEXT    NOT NULL, -- JSON: ChatFormat
     response        TEXT    NOT NULL,
     events          TEXT    NOT NULL, -- JSON: WireEvent[]
     context         TEXT    NOT NULL, -- JSON object
     started_at      INTEGER NOT NULL, -- ms since the epoch
     finished_at     INTEGER NOT NULL,
     status          TEXT    NOT NULL CHECK (status IN ('completed', 'aborted', 'error')),
     error           TEXT
   );
   CREATE INDEX IF NOT EXISTS interactions_by_conversation ON interactions (conversation_id, started_at);`,
];

/** The schema version this release writes and reads. */
export const SCHEMA_VERSION = MIGRATIONS.length;

/** Brings the database to SCHEMA_VERSION; refuses a database from a newer release rather than guess at it. */
export function migrateSchema(db: BetterSqlite3.Database, path: string): void {
  // IMMEDIATE takes the write lock first, so two processes opening a new file do not both migrate it.
  db.transaction(() => {
    const current = db.pragma("user_version", { simple: true }) as number;
    if (current > SCHEMA_VERSION) {
      throw new HistoryStoreError({
        code: "unsupported-schema",
        message: `${path} has history schema version ${current}, but this @ragbits/chat understands up to ${SCHEMA_VERSION}: upgrade @ragbits/chat`,
      });
    }
    for (const migration of MIGRATIONS.slice(current)) db.exec(migration);
    if (current !== SCHEMA_VERSION) db.pragma(`user_version = ${SCHEMA_VERSION}`);
  }).immediate();
}
