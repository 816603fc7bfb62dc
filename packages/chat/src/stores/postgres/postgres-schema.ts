import { StoreError } from "../store-error";
import { type PostgresClient } from "./postgres-database";

/**
 * Migration N takes the database from schema version N to N + 1; applied versions are rows of
 * ragbits_schema_migrations. Add a migration to change the schema; never edit a released one. Every
 * table is prefixed `ragbits_`, so the stores can share a database with the app's own tables.
 *
 * Ids are compared with COLLATE "C" (byte order), as SQLite and the memory store compare them, so the
 * conversation list pages the same way on every store. Whole interaction records are kept as `json`
 * (not jsonb): it keeps the text exactly, including escapes jsonb refuses (\u0000).
 */
const MIGRATIONS: readonly string[] = [
  `CREATE TABLE ragbits_sessions (
     id_hash    text   PRIMARY KEY, -- SHA-256 of the cookie's id, never the id itself
     user_json  json   NOT NULL,
     expires_at bigint NOT NULL     -- ms since the epoch
   );
   CREATE INDEX ragbits_sessions_by_expiry ON ragbits_sessions (expires_at);

   CREATE TABLE ragbits_login_failures (
     key      text    PRIMARY KEY, -- "user:<name>" or "ip:<address>"
     count    integer NOT NULL,
     reset_at bigint  NOT NULL
   );

   CREATE TABLE ragbits_conversations (
     conversation_id text COLLATE "C" PRIMARY KEY,
     user_key        text   NOT NULL, -- the owner's user_id, '' for nobody
     title           text   NOT NULL, -- the first message, at most 200 characters
     created_at      bigint NOT NULL,
     updated_at      bigint NOT NULL
   );
   CREATE INDEX ragbits_conversations_by_user ON ragbits_conversations (user_key, updated_at DESC, conversation_id DESC);

   CREATE TABLE ragbits_interactions (
     id              bigserial PRIMARY KEY,
     interaction_key uuid   NOT NULL UNIQUE, -- makes a retried save idempotent
     conversation_id text COLLATE "C" NOT NULL,
     message_id      text   NOT NULL,
     started_at      bigint NOT NULL,
     finished_at     bigint NOT NULL,
     status          text   NOT NULL CHECK (status IN ('completed', 'aborted', 'error')),
     record          json   NOT NULL -- the whole InteractionRecord
   );
   CREATE INDEX ragbits_interactions_by_conversation ON ragbits_interactions (conversation_id, started_at, id);
   CREATE INDEX ragbits_interactions_by_message ON ragbits_interactions (message_id);

   CREATE TABLE ragbits_feedback (
     message_id text   NOT NULL,
     user_key   text   NOT NULL, -- who gave it: '' for nobody
     feedback   text   NOT NULL CHECK (feedback IN ('like', 'dislike')),
     payload    json   NOT NULL,
     created_at bigint NOT NULL,
     PRIMARY KEY (message_id, user_key)
   );`,
  // 2: started OAuth2 sign-ins, so the callback may reach any replica (auth/oidc/auth-state-store.ts).
  `CREATE TABLE ragbits_auth_states (
     key_hash   text   PRIMARY KEY, -- SHA-256 of the sign-in's state, never the state itself
     record     text,               -- the sealed pending sign-in; NULL once taken (a replay then shows as one)
     expires_at bigint NOT NULL     -- ms since the epoch
   );
   CREATE INDEX ragbits_auth_states_by_expiry ON ragbits_auth_states (expires_at);`,
  // 3: resumable turns across replicas (server/turns): the replica running a turn, its heartbeat, and its
  // events as written on the wire (SSE frames; JSON escapes every control character, so text is safe).
  `CREATE TABLE ragbits_turns (
     message_id     text COLLATE "C" PRIMARY KEY,
     token_hash     bytea  NOT NULL, -- SHA-256 of the resume token, never the token itself
     owner          text   NOT NULL, -- the user_id that started it, '' without auth
     replica        text   NOT NULL, -- the id of the process running it
     status         text   NOT NULL CHECK (status IN ('running', 'ended')),
     heartbeat_at   bigint NOT NULL, -- ms since the epoch; stale while running = orphaned
     attached_until bigint NOT NULL, -- a client is attached through another replica until then
     ended_at       bigint
   );
   CREATE INDEX ragbits_turns_running_by_replica ON ragbits_turns (replica) WHERE status = 'running';

   CREATE TABLE ragbits_turn_events (
     message_id text COLLATE "C" NOT NULL REFERENCES ragbits_turns (message_id) ON DELETE CASCADE,
     id         integer NOT NULL,
     frame      text    NOT NULL,
     PRIMARY KEY (message_id, id)
   );`
];

/** The schema version this release writes and reads. */
export const POSTGRES_SCHEMA_VERSION = MIGRATIONS.length;

/**
 * The advisory lock every replica takes to migrate (two int4 keys: "RBTS", 1). Held for the
 * migration's transaction only, so replicas starting together migrate one after the other and the
 * later ones find nothing left to do.
 */
export const MIGRATION_LOCK: readonly [number, number] = [0x52425453, 1];

/** How long a migration may wait for the lock and run (longer than the pool's statement timeout). */
const MIGRATION_TIMEOUT = "60s";

/**
 * Brings the database to POSTGRES_SCHEMA_VERSION in one transaction, under the advisory lock: DDL is
 * transactional in PostgreSQL, so a failed migration leaves nothing half done. Refuses a database from
 * a newer release rather than guess at its schema.
 */
export async function migratePostgres(client: PostgresClient): Promise<void> {
  // Every start after the first finds the schema current: one query, no lock, no waiting on other replicas.
  if ((await appliedVersion(client)) === POSTGRES_SCHEMA_VERSION) return;
  await client.query("BEGIN");
  try {
    await client.query(`SET LOCAL statement_timeout = '${MIGRATION_TIMEOUT}'`);
    await client.query("SELECT pg_advisory_xact_lock($1, $2)", [...MIGRATION_LOCK]);
    await client.query("CREATE TABLE IF NOT EXISTS ragbits_schema_migrations (version integer PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())");
    const { rows } = await client.query<{ version: number }>("SELECT coalesce(max(version), 0) AS version FROM ragbits_schema_migrations");
    const current = rows[0]?.version ?? 0;
    if (current > POSTGRES_SCHEMA_VERSION) {
      throw new StoreError({
        code: "unsupported-schema",
        message: `the database has ragbits schema version ${current}, but this @ragbits/chat understands up to ${POSTGRES_SCHEMA_VERSION}: upgrade @ragbits/chat`,
      });
    }
    for (let version = current; version < POSTGRES_SCHEMA_VERSION; version++) {
      await client.query(MIGRATIONS[version]!);
      await client.query("INSERT INTO ragbits_schema_migrations (version) VALUES ($1)", [version + 1]);
    }
    await client.query("COMMIT");
  } catch (error) {
    await client.query("ROLLBACK").catch(() => undefined);
    throw error;
  }
}

/** The schema version recorded in the database; undefined before the first migration. */
async function appliedVersion(client: PostgresClient): Promise<number | undefined> {
  try {
    const { rows } = await client.query<{ version: number }>("SELECT coalesce(max(version), 0) AS version FROM ragbits_schema_migrations");
    return rows[0]?.version;
  } catch (error) {
    // 42P01: no migrations table yet (a fresh database): the locked path creates it.
    if ((error as { code?: unknown }).code === "42P01") return undefined;
    throw error;
  }
}
