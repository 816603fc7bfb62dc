/**
 * The AuthStateStore contract (started OAuth2 sign-ins) against every implementation: memory, SQLite
 * and a real PostgreSQL (started for this file), and the sweeper's cleanup of forgotten keys.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Client } from "pg";
import { AUTH_STATE_RETENTION_MS, MemoryAuthStateStore, PostgresStores, SqliteStores } from "../../src";
import { usePostgres } from "../helpers/postgres";
import { describeAuthStateStoreContract, describeSharedAuthStateStoreContract } from "./contracts/auth-state-store-contract";

const silent = { info: () => undefined, warn: () => undefined, error: () => undefined };
const postgres = usePostgres();

async function postgresStores(): Promise<{ stores: PostgresStores; peer: () => Promise<PostgresStores>; dispose: () => Promise<void> }> {
  const opened: PostgresStores[] = [];
  const open = async () => {
    const stores = new PostgresStores(postgres.url, {}, silent);
    opened.push(stores);
    await stores.open();
    return stores;
  };
  const stores = await open();
  const admin = new Client({ connectionString: postgres.url });
  await admin.connect();
  await admin.query("DELETE FROM ragbits_auth_states");
  await admin.end();
  return { stores, peer: open, dispose: async () => void (await Promise.all(opened.map((each) => each.close()))) };
}

async function sqliteStores(): Promise<{ stores: SqliteStores; peer: () => Promise<SqliteStores>; dispose: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), "ragbits-auth-states-"));
  const opened: SqliteStores[] = [];
  const open = async () => {
    const stores = new SqliteStores(join(dir, "state.db"));
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

describeAuthStateStoreContract("MemoryAuthStateStore", async () => {
  const store = new MemoryAuthStateStore();
  return { store, dispose: () => store.close() };
});
describeAuthStateStoreContract("SqliteAuthStateStore", async () => {
  const { stores, dispose } = await sqliteStores();
  return { store: stores.authStates, dispose };
});
describeAuthStateStoreContract("PostgresAuthStateStore", async () => {
  const { stores, dispose } = await postgresStores();
  return { store: stores.authStates, dispose };
});
describeSharedAuthStateStoreContract("SqliteAuthStateStore", async () => {
  const { stores, peer, dispose } = await sqliteStores();
  return { store: stores.authStates, peer: async () => (await peer()).authStates, dispose };
});
describeSharedAuthStateStoreContract("PostgresAuthStateStore", async () => {
  const { stores, peer, dispose } = await postgresStores();
  return { store: stores.authStates, peer: async () => (await peer()).authStates, dispose };
});

describe("sweeping started sign-ins", () => {
  it("deletes only rows forgotten past the retention, in SQLite and PostgreSQL", async () => {
    for (const open of [sqliteStores, postgresStores]) {
      const { stores, dispose } = await open();
      try {
        const now = Date.now();
        await stores.authStates.put("forgotten", "r", now - AUTH_STATE_RETENTION_MS - 1);
        await stores.authStates.put("expired-recently", "r", now - 1);
        await stores.authStates.put("live", "r", now + 60_000);
        await stores.authStates.deleteExpired(now);
        // Forgotten rows read as unknown anyway; after the sweep the recent ones still say why they fail.
        expect(await stores.authStates.take("expired-recently", now)).toEqual({ status: "expired" });
        expect(await stores.authStates.take("live", now)).toEqual({ status: "taken", record: "r" });
        expect(await stores.authStates.take("forgotten", now - AUTH_STATE_RETENTION_MS - 2)).toEqual({ status: "unknown" });
      } finally {
        await dispose();
      }
    }
  });
});
