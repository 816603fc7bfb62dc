import { mkdtemp, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { describeHistoryStoreContract, makeRecord } from "./history-store-contract";
import { SCHEMA_VERSION } from "./sqlite-schema";
import { SqliteHistoryStore } from "./sqlite-history-store";

const tempDirs: string[] = [];

async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "ragbits-sqlite-"));
  tempDirs.push(dir);
  return dir;
}

afterAll(async () => {
  await Promise.all(tempDirs.map((dir) => rm(dir, { recursive: true, force: true })));
});

describeHistoryStoreContract("SqliteHistoryStore on a file", async () => {
  const dir = await tempDir();
  const store = new SqliteHistoryStore({ path: join(dir, "history.db") });
  return {
    store,
    dispose: async () => {
      await store.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
});

describeHistoryStoreContract("SqliteHistoryStore in memory", async () => {
  const store = new SqliteHistoryStore({ path: ":memory:" });
  return { store, dispose: () => store.close() };
});

describe("SqliteHistoryStore", () => {
  let dir: string;
  let path: string;
  let store: SqliteHistoryStore;

  beforeEach(async () => {
    dir = await tempDir();
    path = join(dir, "nested", "history.db");
    store = new SqliteHistoryStore({ path });
  });
  afterEach(async () => {
    await store.close();
  });

  /** A second, independent connection: what another process would see. */
  function inspect<T>(read: (db: Database.Database) => T): T {
    const db = new Database(path, { readonly: true });
    try {
      return read(db);
    } finally {
      db.close();
    }
  }

  it("persists across close and reopen", async () => {
    const records = [makeRecord({ status: "aborted", response: "partial" }), makeRecord({ status: "error", error: "boom" }), makeRecord()];
    for (const record of records) await store.saveInteraction(record);
    await store.close();
    store = new SqliteHistoryStore({ path });
    expect(await store.getConversation("conv-1")).toEqual(records);
  });

  it("opens nothing until first used, then creates the directory and the file", async () => {
    await expect(stat(join(dir, "nested"))).rejects.toMatchObject({ code: "ENOENT" });
    await store.open();
    expect((await stat(path)).isFile()).toBe(true);
  });

  it("creates the table, the conversation index, WAL mode and the schema version", async () => {
    await store.open();
    inspect((db) => {
      expect(db.pragma("journal_mode", { simple: true })).toBe("wal");
      expect(db.pragma("user_version", { simple: true })).toBe(SCHEMA_VERSION);
      const columns = (db.pragma("table_info(interactions)") as { name: string }[]).map((column) => column.name);
      expect(columns).toEqual(["id", "conversation_id", "message_id", "message", "history", "response", "events", "context", "started_at", "finished_at", "status", "error"]);
      const index = (db.pragma("index_info(interactions_by_conversation)") as { name: string }[]).map((column) => column.name);
      expect(index).toEqual(["conversation_id", "started_at"]);
      const plan = db.prepare("EXPLAIN QUERY PLAN SELECT * FROM interactions WHERE conversation_id = ? ORDER BY started_at, id").all("x") as { detail: string }[];
      expect(plan.map((step) => step.detail).join(" ")).toMatch(/USING INDEX interactions_by_conversation/);
    });
  });

  it("stores JSON columns as JSON and timestamps as integers", async () => {
    const record = makeRecord();
    await store.saveInteraction(record);
    const row = inspect((db) => db.prepare("SELECT json_extract(context, '$.state.step') AS step, typeof(started_at) AS type, error FROM interactions").get()) as Record<string, unknown>;
    expect(row).toEqual({ step: 2, type: "integer", error: null });
  });

  it("opens an existing database again without migrating or losing anything", async () => {
    await store.saveInteraction(makeRecord());
    await store.close();
    store = new SqliteHistoryStore({ path });
    await store.saveInteraction(makeRecord());
    expect(await store.getConversation("conv-1")).toHaveLength(2);
    expect(inspect((db) => db.pragma("user_version", { simple: true }))).toBe(SCHEMA_VERSION);
  });

  it("adopts a table that exists with no schema version", async () => {
    await store.open();
    await store.close();
    const db = new Database(path);
    db.pragma("user_version = 0");
    db.close();
    store = new SqliteHistoryStore({ path });
    const record = makeRecord();
    await store.saveInteraction(record);
    expect(await store.getConversation("conv-1")).toEqual([record]);
  });

  it("refuses a database written by a newer schema, with a typed error", async () => {
    await store.open();
    await store.close();
    const db = new Database(path);
    db.pragma(`user_version = ${SCHEMA_VERSION + 1}`);
    db.close();
    store = new SqliteHistoryStore({ path });
    await expect(store.getConversation("conv-1")).rejects.toMatchObject({ name: "HistoryStoreError", code: "unsupported-schema", message: expect.stringMatching(/upgrade @ragbits\/chat/) });
  });

  it("shares the file with another open store (two server processes)", async () => {
    const other = new SqliteHistoryStore({ path });
    try {
      const first = makeRecord({ startedAt: 1 });
      const second = makeRecord({ startedAt: 2 });
      await Promise.all([store.saveInteraction(first), other.saveInteraction(second)]);
      expect(await other.getConversation("conv-1")).toEqual([first, second]);
      expect(await store.getConversation("conv-1")).toEqual([first, second]);
    } finally {
      await other.close();
    }
  });

  it("reports an unopenable path as a typed error", async () => {
    const broken = new SqliteHistoryStore({ path: dir, createDirectory: false });
    await expect(broken.open()).rejects.toMatchObject({ name: "HistoryStoreError", code: "io-failed" });
    await broken.close();
  });

  it("closes a database that was still opening when close() was called", async () => {
    const opening = store.saveInteraction(makeRecord());
    await store.close();
    await expect(opening).rejects.toMatchObject({ code: "closed" });
  });

  it("reports a corrupted JSON column instead of returning garbage", async () => {
    await store.saveInteraction(makeRecord());
    const db = new Database(path);
    db.prepare("UPDATE interactions SET events = '[{torn'").run();
    db.close();
    await expect(store.getConversation("conv-1")).rejects.toMatchObject({ code: "corrupt-record", message: expect.stringMatching(/events column/) });
  });
});
