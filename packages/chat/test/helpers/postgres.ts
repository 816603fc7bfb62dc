/**
 * A real PostgreSQL server for tests: Debian's postgresql package (installed by
 * `node scripts/bootstrap.mjs --for-tests`), started on a temporary data directory and a free port on
 * 127.0.0.1, as the `postgres` user when the tests run as root (PostgreSQL refuses to run as root).
 *
 * `initdb` takes seconds, so the first cluster of a run is initialised once into a template directory
 * (per PostgreSQL version, in the temporary folder) and every cluster starts from a copy of it.
 * A test that needs PostgreSQL and cannot find it fails: it is never skipped.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { chownSync, cpSync, existsSync, mkdtempSync, readdirSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir, userInfo } from "node:os";
import { join } from "node:path";
import { Client } from "pg";

const PG_ROOT = "/usr/lib/postgresql";

export interface PostgresServer {
  readonly port: number;
  readonly dataDir: string;
  /** postgres://postgres@127.0.0.1:PORT/<database> */
  url(database?: string): string;
  /** A new empty database; resolves with its URL. */
  createDatabase(name?: string): Promise<string>;
  /** Stops the server (fast shutdown: connections are cut), keeping its data, so `start()` can bring it back. */
  stop(): void;
  /** Starts the stopped server again on the same port and data. */
  start(): void;
  readonly running: boolean;
  /** Stops the server and removes its data. */
  destroy(): void;
}

export interface StartPostgresOptions {
  /** Serve TLS with a fresh self-signed certificate (its PEM is `certificate`). */
  tls?: boolean;
}

export interface PostgresTlsServer extends PostgresServer {
  /** The server's self-signed certificate (PEM), for `ssl: { ca }`. */
  certificate: string;
}

/** Where Debian's PostgreSQL binaries are (the newest version installed); a clear failure when there are none. */
export function postgresBinaries(): string {
  const versions = existsSync(PG_ROOT) ? readdirSync(PG_ROOT).filter((name) => existsSync(join(PG_ROOT, name, "bin", "pg_ctl"))) : [];
  const newest = versions.sort((a, b) => Number(b) - Number(a))[0];
  if (!newest) {
    throw new Error(`PostgreSQL is not installed (no ${PG_ROOT}/*/bin/pg_ctl). Run \`node scripts/bootstrap.mjs --for-tests\` (it runs apt-get install -y postgresql) or install Debian's postgresql package.`);
  }
  return join(PG_ROOT, newest, "bin");
}

const isRoot = typeof process.getuid === "function" && process.getuid() === 0;

/** Runs a PostgreSQL binary as the user PostgreSQL accepts: `postgres` when we are root, ourselves otherwise. */
function runPg(binary: string, args: string[]): void {
  const command = isRoot ? "runuser" : binary;
  const fullArgs = isRoot ? ["-u", "postgres", "--", binary, ...args] : args;
  const result = spawnSync(command, fullArgs, { encoding: "utf8", timeout: 60_000 });
  if (result.status !== 0) throw new Error(`${binary} ${args.join(" ")} failed (exit ${result.status}):\n${result.stdout}\n${result.stderr}${result.error ? `\n${result.error.message}` : ""}`);
}

function giveToPostgres(path: string): void {
  if (!isRoot) return;
  const { uid, gid } = postgresUser();
  chownSync(path, uid, gid);
}

let postgresIds: { uid: number; gid: number } | undefined;
function postgresUser(): { uid: number; gid: number } {
  if (!postgresIds) {
    const uid = Number(execFileSync("id", ["-u", "postgres"], { encoding: "utf8" }).trim());
    const gid = Number(execFileSync("id", ["-g", "postgres"], { encoding: "utf8" }).trim());
    postgresIds = { uid, gid };
  }
  return postgresIds;
}

/** An initialised, never started data directory for this PostgreSQL version, made once and reused by every test file. */
function templateDirectory(bin: string): string {
  // "postgres (PostgreSQL) 15.18 (Debian 15.18-0+deb12u1)" → "15.18"
  const version = /\d+(?:\.\d+)+/.exec(execFileSync(join(bin, "postgres"), ["--version"], { encoding: "utf8" }))?.[0] ?? "unknown";
  const owner = isRoot ? "postgres" : userInfo().username;
  const template = join(tmpdir(), `ragbits-test-pg-template-${version}-${owner}`);
  if (existsSync(join(template, "PG_VERSION"))) return template;
  const building = mkdtempSync(join(tmpdir(), "ragbits-test-pg-init-"));
  giveToPostgres(building);
  const data = join(building, "data");
  runPg(join(bin, "initdb"), ["-D", data, "-A", "trust", "-U", "postgres", "-E", "UTF8", "--locale=C", "--no-sync"]);
  try {
    // Atomic: a test file running at the same time either sees the whole template or builds its own.
    renameSync(data, template);
  } catch {
    // Another test file finished its template first: use that one.
  }
  rmSync(building, { recursive: true, force: true });
  return template;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

const started = new Set<PostgresServer>();
// A crashed or interrupted test file must not leave a server behind.
process.once("exit", () => {
  for (const server of started) {
    try {
      server.destroy();
    } catch {
      // Best effort at exit.
    }
  }
});

export async function startPostgres(options?: StartPostgresOptions & { tls?: false }): Promise<PostgresServer>;
export async function startPostgres(options: StartPostgresOptions & { tls: true }): Promise<PostgresTlsServer>;
export async function startPostgres(options: StartPostgresOptions = {}): Promise<PostgresServer | PostgresTlsServer> {
  const bin = postgresBinaries();
  const template = templateDirectory(bin);
  const root = mkdtempSync(join(tmpdir(), "ragbits-test-pg-"));
  giveToPostgres(root);
  const dataDir = join(root, "data");
  cpSync(template, dataDir, { recursive: true, preserveTimestamps: true });
  if (isRoot) execFileSync("chown", ["-R", "postgres:postgres", dataDir]);
  const settings = [
    // Speed over durability: the data lives as long as the test file.
    "fsync = off",
    "synchronous_commit = off",
    "full_page_writes = off",
    `unix_socket_directories = '${root}'`,
    "listen_addresses = '127.0.0.1'",
  ];
  let certificate: string | undefined;
  if (options.tls) {
    certificate = makeCertificate(dataDir);
    settings.push("ssl = on", "ssl_cert_file = 'server.crt'", "ssl_key_file = 'server.key'");
  }
  writeFileSync(join(dataDir, "postgresql.auto.conf"), `${settings.join("\n")}\n`);
  giveToPostgres(join(dataDir, "postgresql.auto.conf"));
  const logFile = join(root, "server.log");
  const pgCtl = join(bin, "pg_ctl");

  let port = 0;
  let running = false;
  const start = () => {
    runPg(pgCtl, ["-D", dataDir, "-o", `-p ${port}`, "-l", logFile, "-w", "-t", "30", "start"]);
    running = true;
  };
  // The port was free a moment ago; if someone took it since, try another.
  for (let attempt = 1; ; attempt++) {
    port = await freePort();
    try {
      start();
      break;
    } catch (error) {
      if (attempt >= 3) throw error;
    }
  }

  let databases = 0;
  const server: PostgresServer = {
    port,
    dataDir,
    url: (database = "postgres") => `postgres://postgres@127.0.0.1:${port}/${database}`,
    async createDatabase(name = `test_${process.pid}_${++databases}`) {
      const client = new Client({ connectionString: server.url(), ...(options.tls ? { ssl: { rejectUnauthorized: false } } : {}) });
      await client.connect();
      try {
        await client.query(`CREATE DATABASE "${name}"`);
      } finally {
        await client.end();
      }
      return server.url(name);
    },
    stop() {
      if (!running) return;
      runPg(pgCtl, ["-D", dataDir, "-m", "fast", "-w", "stop"]);
      running = false;
    },
    start() {
      if (!running) start();
    },
    get running() {
      return running;
    },
    destroy() {
      started.delete(server);
      try {
        if (running) runPg(pgCtl, ["-D", dataDir, "-m", "immediate", "-w", "stop"]);
      } finally {
        running = false;
        rmSync(root, { recursive: true, force: true });
      }
    },
  };
  started.add(server);
  return certificate === undefined ? server : Object.assign(server, { certificate });
}

/** A self-signed certificate for 127.0.0.1 in the data directory, owned by the server's user with the key at 0600 (PostgreSQL checks). */
function makeCertificate(dataDir: string): string {
  execFileSync("openssl", ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", join(dataDir, "server.key"), "-out", join(dataDir, "server.crt")], { stdio: "ignore" });
  for (const file of ["server.key", "server.crt"]) giveToPostgres(join(dataDir, file));
  execFileSync("chmod", ["0600", join(dataDir, "server.key")]);
  return execFileSync("cat", [join(dataDir, "server.crt")], { encoding: "utf8" });
}

/** For suites that only need one database: the server and a fresh database for the file, stopped afterwards. */
export function usePostgres(options: StartPostgresOptions = {}): { readonly server: PostgresServer; readonly url: string } {
  let server: PostgresServer | undefined;
  let url: string | undefined;
  beforeAll(async () => {
    server = await startPostgres(options as StartPostgresOptions & { tls?: false });
    url = await server.createDatabase();
  }, 120_000);
  afterAll(() => server?.destroy());
  return {
    get server() {
      if (!server) throw new Error("PostgreSQL is not started yet (use it inside tests or hooks)");
      return server;
    },
    get url() {
      if (!url) throw new Error("PostgreSQL is not started yet (use it inside tests or hooks)");
      return url;
    },
  };
}

