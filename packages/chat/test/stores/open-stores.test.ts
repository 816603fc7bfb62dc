/** Which stores one setting selects, and what RagbitsAPI refuses to start with. */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ChatInterface, type ChatResponse, MemoryStores, PostgresStores, RagbitsAPI, SqliteStores, StateSigner, describeDatabaseUrl, openStores, parseDatabaseUrl } from "../../src";
import { MemoryHistory } from "../helpers/memory-history";

class EchoChat extends ChatInterface {
  async *chat(message: string): AsyncGenerator<ChatResponse> {
    yield this.createTextResponse(message);
  }
}

const silentLogger = { info: () => undefined, warn: () => undefined, error: () => undefined };
const ENV_KEYS = ["RAGBITS_DATABASE_URL", "RAGBITS_SECRET_KEY"] as const;
const savedEnv: Partial<Record<(typeof ENV_KEYS)[number], string>> = {};
let dir: string;

beforeEach(async () => {
  for (const key of ENV_KEYS) {
    savedEnv[key] = process.env[key];
    delete process.env[key];
  }
  dir = await mkdtemp(join(tmpdir(), "ragbits-open-stores-"));
});

afterEach(async () => {
  for (const key of ENV_KEYS) {
    if (savedEnv[key] === undefined) delete process.env[key];
    else process.env[key] = savedEnv[key];
  }
  await rm(dir, { recursive: true, force: true });
});

describe("parseDatabaseUrl", () => {
  it("reads postgres://, postgresql:// and the sqlite: forms", () => {
    expect(parseDatabaseUrl("postgres://u:p@db:5432/chat?sslmode=require")).toEqual({ kind: "postgres", url: "postgres://u:p@db:5432/chat?sslmode=require" });
    expect(parseDatabaseUrl(" postgresql://db/chat ")).toEqual({ kind: "postgres", url: "postgresql://db/chat" });
    expect(parseDatabaseUrl("sqlite:./data/chat.db")).toEqual({ kind: "sqlite", path: "./data/chat.db" });
    expect(parseDatabaseUrl("sqlite:///var/lib/chat.db")).toEqual({ kind: "sqlite", path: "/var/lib/chat.db" });
    expect(parseDatabaseUrl("sqlite::memory:")).toEqual({ kind: "sqlite", path: ":memory:" });
  });

  it("refuses other schemes and an empty sqlite path, without printing a password", () => {
    expect(() => parseDatabaseUrl("mysql://root:hunter2@db/chat")).toThrow(expect.objectContaining({ name: "StoreError", code: "invalid-configuration", message: expect.stringMatching(/must start with postgres:\/\/, postgresql:\/\/ or sqlite:/) }));
    expect(() => parseDatabaseUrl("mysql://root:hunter2@db/chat")).toThrow(expect.objectContaining({ message: expect.not.stringContaining("hunter2") }));
    expect(() => parseDatabaseUrl("sqlite:")).toThrow(expect.objectContaining({ code: "invalid-configuration" }));
  });

  it("describes a URL with its password hidden", () => {
    expect(describeDatabaseUrl("postgres://app:s3cr%40t@db.internal:5432/chat?sslmode=require")).toBe("postgres://app:***@db.internal:5432/chat?sslmode=require");
    expect(describeDatabaseUrl("postgres://db/chat?password=hunter2")).toBe("postgres://db/chat?password=***");
    expect(describeDatabaseUrl("not a url with hunter2")).toBe("(not a URL)");
  });
});

describe("openStores", () => {
  it("memory without a URL, SQLite for sqlite:, PostgreSQL for postgres:// — connecting to nothing yet", async () => {
    const memory = openStores(undefined);
    expect(memory).toBeInstanceOf(MemoryStores);
    expect(memory.history).toBeUndefined();
    const sqlite = openStores(`sqlite:${join(dir, "state.db")}`);
    expect(sqlite).toBeInstanceOf(SqliteStores);
    const postgres = openStores("postgres://postgres@127.0.0.1:1/none", { logger: silentLogger });
    expect(postgres).toBeInstanceOf(PostgresStores);
    await Promise.all([memory.close(), sqlite.close(), postgres.close()]);
  });
});

describe("RagbitsAPI with a database", () => {
  it("refuses to start without RAGBITS_SECRET_KEY, saying what to set", () => {
    expect(() => new RagbitsAPI(EchoChat, { databaseUrl: `sqlite:${join(dir, "state.db")}` })).toThrow(
      expect.objectContaining({ name: "StoreError", code: "invalid-configuration", message: expect.stringMatching(/RAGBITS_SECRET_KEY is not set.*same secret on every replica/) }),
    );
    process.env.RAGBITS_DATABASE_URL = "postgres://postgres@127.0.0.1:1/none";
    expect(() => new RagbitsAPI(EchoChat)).toThrow(expect.objectContaining({ code: "invalid-configuration" }));
  });

  it("starts with RAGBITS_SECRET_KEY or an explicit stateSigner; RAGBITS_DATABASE_URL picks the stores", async () => {
    process.env.RAGBITS_DATABASE_URL = `sqlite:${join(dir, "env.db")}`;
    process.env.RAGBITS_SECRET_KEY = "shared-secret";
    const fromEnv = new RagbitsAPI(EchoChat);
    expect(fromEnv.stores).toBeInstanceOf(SqliteStores);
    delete process.env.RAGBITS_SECRET_KEY;
    const withSigner = new RagbitsAPI(EchoChat, { databaseUrl: `sqlite:${join(dir, "option.db")}`, stateSigner: new StateSigner("k") });
    expect(withSigner.stores).toBeInstanceOf(SqliteStores);
    await Promise.all([fromEnv.close(), withSigner.close()]);
  });

  it("refuses a URL of an unknown kind", () => {
    expect(() => new RagbitsAPI(EchoChat, { databaseUrl: "redis://cache:6379", stateSigner: new StateSigner("k") })).toThrow(expect.objectContaining({ code: "invalid-configuration" }));
  });

  it("keeps history in the database unless the ChatInterface has a historyPersistence of its own", async () => {
    const defaulted = new RagbitsAPI(EchoChat, { databaseUrl: `sqlite:${join(dir, "a.db")}`, stateSigner: new StateSigner("k") });
    expect(defaulted.chat.historyPersistence).toBe(defaulted.stores.history);
    const own = new MemoryHistory();
    class OwnHistory extends EchoChat {
      override historyPersistence = own;
    }
    const kept = new RagbitsAPI(OwnHistory, { databaseUrl: `sqlite:${join(dir, "b.db")}`, stateSigner: new StateSigner("k") });
    expect(kept.chat.historyPersistence).toBe(own);
    const memory = new RagbitsAPI(EchoChat, { stateSigner: new StateSigner("k") });
    expect(memory.chat.historyPersistence).toBeNull();
    await Promise.all([defaulted.close(), kept.close(), memory.close()]);
  });
});
