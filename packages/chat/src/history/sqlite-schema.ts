import type BetterSqlite3 from "better-sqlite3";
import { HistoryStoreError } from "./history-store-error";

/**
 * Migration N takes the database from schema version N to N + 1; the version is kept in SQLite's
 * `user_version` pragma. Add a migration to change the schema; never edit a released one.
 * Statements are idempotent so a database whose table was created by hand still opens. The schema
 * covers every store kept in the file (history, feedback, sessions, login failures, started sign-ins).
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
  // 2: conversations per owner (an interaction's conversation row says whose it is; user_key '' is
  // nobody, which is what every conversation saved before this version becomes), feedback on
  // interactions, and the server's shared state: sessions and login failures.
  `CREATE TABLE IF NOT EXISTS conversations (
     conversation_id TEXT    PRIMARY KEY,
     user_key        TEXT    NOT NULL, -- the owner's user_id, '' for nobody
     title           TEXT    NOT NULL, -- the first message, at most 200 characters
     created_at      INTEGER NOT NULL, -- ms since the epoch: the first interaction's start
     updated_at      INTEGER NOT NULL  -- the latest interaction's end
   ) WITHOUT ROWID;
   CREATE INDEX IF NOT EXISTS conversations_by_user ON conversations (user_key, updated_at DESC, conversation_id DESC);
   INSERT OR IGNORE INTO conversations (conversation_id, user_key, title, created_at, updated_at)
     SELECT i.conversation_id, '',
            (SELECT substr(first.message, 1, 200) FROM interactions first WHERE first.conversation_id = i.conversation_id ORDER BY first.started_at, first.id LIMIT 1),
            MIN(i.started_at), MAX(i.finished_at)
       FROM interactions i GROUP BY i.conversation_id;
   CREATE TABLE IF NOT EXISTS feedback (
     message_id TEXT    NOT NULL,
     user_key   TEXT    NOT NULL, -- who gave it: '' for nobody
     feedback   TEXT    NOT NULL CHECK (feedback IN ('like', 'dislike')),
     payload    TEXT    NOT NULL, -- JSON object
     created_at INTEGER NOT NULL,
     PRIMARY KEY (message_id, user_key)
   ) WITHOUT ROWID;
   CREATE TABLE IF NOT EXISTS sessions (
     id_hash    TEXT    PRIMARY KEY, -- SHA-256 of the cookie's id, never the id itself
     user       TEXT    NOT NULL,    -- JSON: User
     expires_at INTEGER NOT NULL
   ) WITHOUT ROWID;
   CREATE INDEX IF NOT EXISTS sessions_by_expiry ON sessions (expires_at);
   CREATE TABLE IF NOT EXISTS login_failures (
     key      TEXT    PRIMARY KEY, -- "user:<name>" or "ip:<address>"
     count    INTEGER NOT NULL,
     reset_at INTEGER NOT NULL
   ) WITHOUT ROWID;`,
  // 3: started OAuth2 sign-ins, so the callback may reach any process (auth/oidc/auth-state-store.ts).
  `CREATE TABLE IF NOT EXISTS auth_states (
     key_hash   TEXT    PRIMARY KEY, -- SHA-256 of the sign-in's state, never the state itself
     record     TEXT,                -- the sealed pending sign-in; NULL once taken (a replay then shows as one)
     expires_at INTEGER NOT NULL
   ) WITHOUT ROWID;
   CREATE INDEX IF NOT EXISTS auth_states_by_expiry ON auth_states (expires_at);`,
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
