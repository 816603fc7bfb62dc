/**
 * One contract per store kind (sessions, login failures, history with feedback), run against every
 * implementation: memory, SQLite and a real PostgreSQL (started for this file).
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Client } from "pg";
import { MemoryHistoryStore, MemoryLoginAttemptStore, MemorySessionStore, PostgresStores, SqliteStores } from "../../src";
import { describeConversationStoreContract, describeHistoryStoreContract, describeSharedConversationStoreContract } from "../../src/history/history-store-contract";
import { usePostgres } from "../helpers/postgres";
import { describeLoginAttemptStoreContract, describeSharedLoginAttemptStoreContract } from "./contracts/login-attempt-store-contract";
import { describeSessionStoreContract, describeSharedSessionStoreContract } from "./contracts/session-store-contract";

const silent = { info: () => undefined, warn: () => undefined, error: () => undefined };
const postgres = usePostgres();
let admin: Client | undefined;

afterAll(async () => {
  await admin?.end();
});

/** Empties every table (one connection for the whole file: connecting costs more than the DELETEs). */
async function emptyTables(): Promise<void> {
  if (!admin) {
    admin = new Client({ connectionString: postgres.url });
    await admin.connect();
  }
  await admin.query("DELETE FROM ragbits_sessions; DELETE FROM ragbits_login_failures; DELETE FROM ragbits_conversations; DELETE FROM ragbits_interactions; DELETE FROM ragbits_feedback");
}

/** Fresh PostgreSQL stores on the file's database, emptied first; `peer` opens another set, as another replica. */
async function postgresStores(): Promise<{ stores: PostgresStores; peer: () => Promise<PostgresStores>; dispose: () => Promise<void> }> {
  const opened: PostgresStores[] = [];
  const open = async () => {
    const stores = new PostgresStores(postgres.url, {}, silent);
    opened.push(stores);
    await stores.open();
    return stores;
  };
  const stores = await open();
  await emptyTables();
  return { stores, peer: open, dispose: async () => void (await Promise.all(opened.map((each) => each.close()))) };
}

/** SQLite stores on a fresh file; `peer` opens the same file again, as another process would. */
async function sqliteStores(): Promise<{ stores: SqliteStores; peer: () => Promise<SqliteStores>; dispose: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), "ragbits-stores-"));
  const path = join(dir, "state.db");
  const opened: SqliteStores[] = [];
  const open = async () => {
    const stores = new SqliteStores(path);
    opened.push(stores);
    await stores.open();
    return stores;
  };
  return {
    stores: await open(),
    peer: open,
    dispose: async () => {
      await Promise.all(opened.map((each) => each.close()));
      await rm(dir, { recursive: true, force: true });
    },
  };
}

describe("sessions", () => {
  describeSessionStoreContract("MemorySessionStore", async () => {
    const store = new MemorySessionStore();
    return { store, dispose: () => store.close() };
  });
  describeSessionStoreContract("SqliteSessionStore", async () => {
    const { stores, dispose } = await sqliteStores();
    return { store: stores.sessions, dispose };
  });
  describeSessionStoreContract("PostgresSessionStore", async () => {
    const { stores, dispose } = await postgresStores();
    return { store: stores.sessions, dispose };
  });
  describeSharedSessionStoreContract("SqliteSessionStore", async () => {
    const { stores, peer, dispose } = await sqliteStores();
    return { store: stores.sessions, peer: async () => (await peer()).sessions, dispose };
  });
  describeSharedSessionStoreContract("PostgresSessionStore", async () => {
    const { stores, peer, dispose } = await postgresStores();
    return { store: stores.sessions, peer: async () => (await peer()).sessions, dispose };
  });
});

describe("login failures", () => {
  describeLoginAttemptStoreContract("MemoryLoginAttemptStore", async () => {
    const store = new MemoryLoginAttemptStore();
    return { store, dispose: () => store.close() };
  });
  describeLoginAttemptStoreContract("SqliteLoginAttemptStore", async () => {
    const { stores, dispose } = await sqliteStores();
    return { store: stores.loginAttempts, dispose };
  });
  describeLoginAttemptStoreContract("PostgresLoginAttemptStore", async () => {
    const { stores, dispose } = await postgresStores();
    return { store: stores.loginAttempts, dispose };
  });
  describeSharedLoginAttemptStoreContract("SqliteLoginAttemptStore", async () => {
    const { stores, peer, dispose } = await sqliteStores();
    return { store: stores.loginAttempts, peer: async () => (await peer()).loginAttempts, dispose };
  });
  describeSharedLoginAttemptStoreContract("PostgresLoginAttemptStore", async () => {
    const { stores, peer, dispose } = await postgresStores();
    return { store: stores.loginAttempts, peer: async () => (await peer()).loginAttempts, dispose };
  });
});

describe("history and feedback", () => {
  // The plain HistoryPersistence contract (the JSONL and stand-alone SQLite stores run it in their own files).
  describeHistoryStoreContract("MemoryHistoryStore", async () => {
    const store = new MemoryHistoryStore();
    return { store, dispose: () => store.close() };
  });
  describeHistoryStoreContract("SqliteHistoryStore in SqliteStores", async () => {
    const { stores, dispose } = await sqliteStores();
    return { store: stores.history, dispose };
  });
  describeHistoryStoreContract("PostgresHistoryStore", async () => {
    const { stores, dispose } = await postgresStores();
    return { store: stores.history, dispose };
  });

  describeConversationStoreContract("MemoryHistoryStore", async () => {
    const store = new MemoryHistoryStore();
    return { store, dispose: () => store.close() };
  });
  describeConversationStoreContract("SqliteHistoryStore", async () => {
    const { stores, dispose } = await sqliteStores();
    return { store: stores.history, dispose };
  });
  describeConversationStoreContract("PostgresHistoryStore", async () => {
    const { stores, dispose } = await postgresStores();
    return { store: stores.history, dispose };
  });
  describeSharedConversationStoreContract("SqliteHistoryStore", async () => {
    const { stores, peer, dispose } = await sqliteStores();
    return { store: stores.history, peer: async () => (await peer()).history, dispose };
  });
  describeSharedConversationStoreContract("PostgresHistoryStore", async () => {
    const { stores, peer, dispose } = await postgresStores();
    return { store: stores.history, peer: async () => (await peer()).history, dispose };
  });
});
