/**
 * The PostgreSQL stores against a real server (started for this file): schema migrations under the
 * advisory lock, pool limits and timeouts, TLS settings passed through, and what happens when the
 * server goes away and comes back.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Client } from "pg";
import { type InteractionRecord, PostgresStores, type StoreLogger } from "../../src";
import { makeRecord } from "../../src/history/history-store-contract";
import { MIGRATION_LOCK, POSTGRES_SCHEMA_VERSION } from "../../src/stores/postgres/postgres-schema";
import { type PostgresServer, type PostgresTlsServer, startPostgres } from "../helpers/postgres";

jest.setTimeout(60_000);

interface LogLine {
  level: "info" | "warn" | "error";
  message: string;
  details: Record<string, unknown>;
}

function recordingLogger(): StoreLogger & { lines: LogLine[] } {
  const lines: LogLine[] = [];
  return {
    lines,
    info: (details, message) => void lines.push({ level: "info", message, details }),
    warn: (details, message) => void lines.push({ level: "warn", message, details }),
    error: (details, message) => void lines.push({ level: "error", message, details }),
  };
}

const ALICE = { user_id: "alice", username: "alice", email: null, full_name: null, roles: [], metadata: {} };

let server: PostgresServer;
const opened: PostgresStores[] = [];

beforeAll(async () => {
  server = await startPostgres();
}, 120_000);

afterAll(() => server?.destroy());

afterEach(async () => {
  if (!server.running) server.start();
  await Promise.all(opened.splice(0).map((stores) => stores.close()));
});

function stores(url: string, options: ConstructorParameters<typeof PostgresStores>[1] = {}, logger: StoreLogger = recordingLogger()): PostgresStores {
  const created = new PostgresStores(url, options, logger);
  opened.push(created);
  return created;
}

async function query<T>(url: string, sql: string, params: unknown[] = []): Promise<T[]> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(sql, params)).rows as T[];
  } finally {
    await client.end();
  }
}

describe("schema migrations", () => {
  it("creates every table on a fresh database and records the version once, also when opened again", async () => {
    const url = await server.createDatabase();
    await stores(url).open();
    await stores(url).open();
    const tables = await query<{ table_name: string }>(url, "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY table_name");
    expect(tables.map((row) => row.table_name)).toEqual([
      "ragbits_auth_states",
      "ragbits_conversations",
      "ragbits_feedback",
      "ragbits_interactions",
      "ragbits_login_failures",
      "ragbits_schema_migrations",
      "ragbits_sessions",
      "ragbits_turn_events",
      "ragbits_turns",
    ]);
    expect(await query(url, "SELECT version FROM ragbits_schema_migrations ORDER BY version")).toEqual([{ version: 1 }, { version: 2 }, { version: 3 }]);
    expect(POSTGRES_SCHEMA_VERSION).toBe(3);
  });

  it("lets 6 replicas starting at the same moment migrate a fresh database without a race", async () => {
    const url = await server.createDatabase();
    const replicas = Array.from({ length: 6 }, () => stores(url));
    const results = await Promise.allSettled(replicas.map((replica) => replica.open()));
    expect(results.map((result) => result.status)).toEqual(Array(6).fill("fulfilled"));
    expect(await query(url, "SELECT version FROM ragbits_schema_migrations ORDER BY version")).toEqual([{ version: 1 }, { version: 2 }, { version: 3 }]);
    // Every replica works on the one schema.
    const ids = await Promise.all(replicas.map((replica) => replica.sessions.create(ALICE, 60_000)));
    expect(await Promise.all(ids.map((id) => replicas[0]!.sessions.get(id)))).toEqual(Array(6).fill(ALICE));
  });

  it("migrates only while holding the advisory lock: a replica waits for the one that holds it", async () => {
    const url = await server.createDatabase();
    const holder = new Client({ connectionString: url });
    await holder.connect();
    try {
      await holder.query("SELECT pg_advisory_lock($1, $2)", [...MIGRATION_LOCK]);
      let migrated = false;
      const opening = stores(url)
        .open()
        .then(() => (migrated = true));
      await new Promise((resolve) => setTimeout(resolve, 500));
      expect(migrated).toBe(false);
      expect(await query(url, "SELECT to_regclass('ragbits_sessions') AS t")).toEqual([{ t: null }]);
      await holder.query("SELECT pg_advisory_unlock($1, $2)", [...MIGRATION_LOCK]);
      await opening;
      expect(migrated).toBe(true);
    } finally {
      await holder.end();
    }
  });

  it("refuses a database whose schema is newer than this release knows, and changes nothing", async () => {
    const url = await server.createDatabase();
    await stores(url).open();
    await query(url, "INSERT INTO ragbits_schema_migrations (version) VALUES ($1)", [POSTGRES_SCHEMA_VERSION + 1]);
    await expect(stores(url).open()).rejects.toMatchObject({ name: "StoreError", code: "unsupported-schema", message: expect.stringMatching(/upgrade @ragbits\/chat/) });
  });
});

describe("connections", () => {
  it("opens at most maxConnections per process, however many requests wait", async () => {
    const url = await server.createDatabase();
    const limited = stores(url, { maxConnections: 3, applicationName: "ragbits-pool-test" });
    await limited.open();
    const peak = { count: 0 };
    const watcher = setInterval(() => {
      void query<{ n: number }>(url, "SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = 'ragbits-pool-test'").then(([row]) => (peak.count = Math.max(peak.count, row!.n)));
    }, 20);
    try {
      await Promise.all(Array.from({ length: 20 }, () => limited.database.query("sleeping", "SELECT pg_sleep(0.05)")));
    } finally {
      clearInterval(watcher);
    }
    expect(peak.count).toBeGreaterThan(0);
    expect(peak.count).toBeLessThanOrEqual(3);
  });

  it("cancels a statement that runs past the statement timeout, as 'unavailable'", async () => {
    const url = await server.createDatabase();
    const quick = stores(url, { statementTimeoutMs: 200 });
    await quick.open();
    const started = Date.now();
    await expect(quick.database.query("sleeping", "SELECT pg_sleep(5)")).rejects.toMatchObject({ code: "unavailable", message: expect.stringMatching(/statement timeout/) });
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it("never puts the password in an error, a log line or the description", async () => {
    const logger = recordingLogger();
    const secretUrl = `postgres://postgres:Sup3r-Secret-pw@127.0.0.1:${server.port}/does_not_exist`;
    const failing = stores(secretUrl, {}, logger);
    const error = await failing.open().catch((caught: unknown) => caught as Error);
    expect(error).toMatchObject({ name: "StoreError" });
    expect(failing.database.description).toBe(`postgres://postgres:***@127.0.0.1:${server.port}/does_not_exist`);
    expect(JSON.stringify([String(error), (error as Error).message, logger.lines])).not.toContain("Sup3r-Secret-pw");
  });
});

describe("TLS", () => {
  let tlsServer: PostgresTlsServer | undefined;
  let url: string;

  beforeAll(async () => {
    tlsServer = await startPostgres({ tls: true });
    url = await tlsServer.createDatabase();
  }, 120_000);
  afterAll(() => tlsServer?.destroy());

  async function usesTls(connected: PostgresStores): Promise<boolean> {
    const [row] = await connected.database.query<{ ssl: boolean }>("checking TLS", "SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()");
    return row!.ssl;
  }

  it("connects over TLS when the URL says sslmode=no-verify, and in plain text with sslmode=disable", async () => {
    const secure = stores(`${url}?sslmode=no-verify`);
    await secure.open();
    expect(await usesTls(secure)).toBe(true);
    const plain = stores(`${url}?sslmode=disable`);
    await plain.open();
    expect(await usesTls(plain)).toBe(false);
  });

  it("verifies the server with the `ssl` option's CA, which wins over the URL's sslmode", async () => {
    const verified = stores(`${url}?sslmode=disable`, { ssl: { ca: tlsServer!.certificate } });
    await verified.open();
    expect(await usesTls(verified)).toBe(true);
  });

  it("refuses a server whose certificate the given CA did not sign", async () => {
    const strict = stores(url, { ssl: { ca: otherCertificate() } });
    await expect(strict.open()).rejects.toMatchObject({ name: "StoreError", message: expect.stringMatching(/self-signed certificate/) });
  });

  it("fails clearly when TLS is required but the server does not offer it", async () => {
    const plainServerUrl = `${server.url("postgres")}?sslmode=no-verify`;
    await expect(stores(plainServerUrl).open()).rejects.toMatchObject({ name: "StoreError", message: expect.stringMatching(/does not support SSL/) });
  });
});

describe("when PostgreSQL goes away", () => {
  it("fails fast with 'unavailable', never crashes, saves finished interactions when it is back, and recovers by itself", async () => {
    const url = await server.createDatabase();
    const logger = recordingLogger();
    const replica = stores(url, { connectionTimeoutMs: 1_000 }, logger);
    await replica.open();
    const session = await replica.sessions.create(ALICE, 60_000);
    const before = makeRecord({ conversationId: "outage", startedAt: 1_000 });
    await replica.history.saveInteraction(before);
    const uncaught: unknown[] = [];
    const onUncaught = (error: unknown) => uncaught.push(error);
    process.on("uncaughtException", onUncaught);
    try {
      // Idle pooled connections are cut by the shutdown: their 'error' events must be handled.
      server.stop();
      const started = Date.now();
      await expect(replica.sessions.get(session)).rejects.toMatchObject({ name: "StoreError", code: "unavailable" });
      await expect(replica.loginAttempts.failures(["user:alice"], Date.now())).rejects.toMatchObject({ code: "unavailable" });
      await expect(replica.ping()).rejects.toMatchObject({ code: "unavailable" });
      expect(Date.now() - started).toBeLessThan(3_000);

      // An answer that finishes during the outage is kept, not lost: the save resolves.
      const during: InteractionRecord[] = [makeRecord({ conversationId: "outage", startedAt: 2_000 }), makeRecord({ conversationId: "outage", startedAt: 3_000 })];
      for (const record of during) await replica.history.saveInteraction(record);
      expect(replica.history.pendingSaves).toBe(2);
      expect(logger.lines.filter((line) => line.level === "warn").map((line) => line.message)).toEqual([
        "PostgreSQL is unavailable: requests that need it are answered 503 until it is back",
        "PostgreSQL is unavailable: finished interactions are kept in memory and saved when it is back",
      ]);

      server.start();
      await waitUntil(() => replica.history.pendingSaves === 0, 15_000);
      expect(await replica.history.getConversation("outage")).toEqual([before, ...during]);
      expect(await replica.sessions.get(session)).toEqual(ALICE);
      await expect(replica.ping()).resolves.toBeUndefined();
      expect(logger.lines.filter((line) => line.level === "info").map((line) => [line.message, line.details])).toEqual([
        ["PostgreSQL is reachable again", expect.any(Object)],
        ["interactions that waited for PostgreSQL are saved", { queued: 2, saved: 2, lost: 0 }],
      ]);
      expect(logger.lines.filter((line) => line.level === "error")).toEqual([]);
      expect(uncaught).toEqual([]);
    } finally {
      process.off("uncaughtException", onUncaught);
    }
  });

  it("keeps at most retryQueueLimit interactions, drops the oldest, and says so once", async () => {
    const url = await server.createDatabase();
    const logger = recordingLogger();
    const replica = stores(url, { retryQueueLimit: 2, connectionTimeoutMs: 500 }, logger);
    await replica.open();
    server.stop();
    const records = Array.from({ length: 5 }, (_, i) => makeRecord({ conversationId: "overflow", startedAt: 1_000 + i }));
    for (const record of records) await replica.history.saveInteraction(record);
    expect(replica.history.pendingSaves).toBe(2);
    server.start();
    await waitUntil(() => replica.history.pendingSaves === 0, 15_000);
    expect(await replica.history.getConversation("overflow")).toEqual(records.slice(3));
    expect(logger.lines.filter((line) => line.level === "error").map((line) => line.message)).toEqual(["the queue of unsaved interactions is full: the oldest are dropped and lost"]);
    expect(logger.lines.find((line) => line.message === "interactions that waited for PostgreSQL are saved")?.details).toEqual({ queued: 5, saved: 2, lost: 3 });
  });

  it("logs the interactions it could not save once, with their number, when it stops before the database is back", async () => {
    const url = await server.createDatabase();
    const logger = recordingLogger();
    const replica = stores(url, { connectionTimeoutMs: 300 }, logger);
    await replica.open();
    server.stop();
    await replica.history.saveInteraction(makeRecord({ conversationId: "lost" }));
    await replica.history.saveInteraction(makeRecord({ conversationId: "lost" }));
    await replica.close();
    expect(logger.lines.filter((line) => line.level === "error").map((line) => [line.message, line.details])).toEqual([
      ["interactions could not be saved before the server stopped (PostgreSQL unavailable) and are lost", { lost: 2 }],
    ]);
  });

  it("a replica that starts while the database is down fails to open with 'unavailable', then opens once it is back", async () => {
    const url = await server.createDatabase();
    server.stop();
    const replica = stores(url, { connectionTimeoutMs: 500 });
    await expect(replica.open()).rejects.toMatchObject({ code: "unavailable" });
    server.start();
    await expect(replica.open()).resolves.toBeUndefined();
  });
});

async function waitUntil(condition: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** A self-signed certificate of its own: not the one the server presents. */
function otherCertificate(): string {
  const dir = mkdtempSync(join(tmpdir(), "ragbits-other-cert-"));
  try {
    execFileSync("openssl", ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=127.0.0.1", "-keyout", join(dir, "key.pem"), "-out", join(dir, "cert.pem")], { stdio: "ignore" });
    return readFileSync(join(dir, "cert.pem"), "utf8");
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
