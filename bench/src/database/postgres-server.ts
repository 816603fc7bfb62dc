/**
 * A PostgreSQL server for the bench: Debian's postgresql package (`apt-get install -y postgresql`,
 * or `node scripts/bootstrap.mjs --for-tests`), on a temporary data directory and a free port on
 * 127.0.0.1, run as the `postgres` user when the bench runs as root (PostgreSQL refuses root). The
 * bench's own copy of packages/chat/test/helpers/postgres.ts, without Jest and with PostgreSQL's
 * default durability (fsync and synchronous commit on): a figure for a real deployment, not a
 * throw-away test database.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

const PG_ROOT = "/usr/lib/postgresql";
const isRoot = typeof process.getuid === "function" && process.getuid() === 0;

export interface BenchPostgres {
  readonly port: number;
  /** A new empty database; its URL. */
  createDatabase(name: string): string;
  /** One number from SQL run in `database` (e.g. a count). */
  queryNumber(database: string, sql: string): number;
  readonly version: string;
  stop(): void;
}

function binaries(): string {
  const versions = existsSync(PG_ROOT) ? readdirSync(PG_ROOT).filter((name) => existsSync(join(PG_ROOT, name, "bin", "pg_ctl"))) : [];
  const newest = versions.sort((a, b) => Number(b) - Number(a))[0];
  if (!newest) throw new Error(`PostgreSQL is not installed (no ${PG_ROOT}/*/bin/pg_ctl): apt-get install -y postgresql (or node scripts/bootstrap.mjs --for-tests)`);
  return join(PG_ROOT, newest, "bin");
}

/** Runs a PostgreSQL binary as the user PostgreSQL accepts: `postgres` when we are root. */
function run(binary: string, args: string[]): string {
  const result = spawnSync(isRoot ? "runuser" : binary, isRoot ? ["-u", "postgres", "--", binary, ...args] : args, { encoding: "utf8", timeout: 120_000 });
  if (result.status !== 0) throw new Error(`${binary} ${args.join(" ")} failed (exit ${result.status}):\n${result.stdout}\n${result.stderr}`);
  return result.stdout;
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

export async function startBenchPostgres(): Promise<BenchPostgres> {
  const bin = binaries();
  const root = mkdtempSync(join(tmpdir(), "ragbits-bench-pg-"));
  if (isRoot) execFileSync("chown", ["postgres:postgres", root]);
  const dataDir = join(root, "data");
  run(join(bin, "initdb"), ["-D", dataDir, "-A", "trust", "-U", "postgres", "-E", "UTF8", "--locale=C"]);
  const conf = [`unix_socket_directories = '${root}'`, "listen_addresses = '127.0.0.1'", "max_connections = 100"].join("\n");
  writeFileSync(join(dataDir, "postgresql.auto.conf"), `${conf}\n`);
  if (isRoot) execFileSync("chown", ["postgres:postgres", join(dataDir, "postgresql.auto.conf")]);
  const port = await freePort();
  run(join(bin, "pg_ctl"), ["-D", dataDir, "-o", `-p ${port}`, "-l", join(root, "server.log"), "-w", "-t", "60", "start"]);
  const version = /\d+(?:\.\d+)+/.exec(execFileSync(join(bin, "postgres"), ["--version"], { encoding: "utf8" }))?.[0] ?? "unknown";
  const psql = (database: string, sql: string) => run(join(bin, "psql"), ["-h", "127.0.0.1", "-p", String(port), "-U", "postgres", "-d", database, "-tAc", sql]).trim();
  let stopped = false;
  const stop = () => {
    if (stopped) return;
    stopped = true;
    try {
      run(join(bin, "pg_ctl"), ["-D", dataDir, "-m", "immediate", "-w", "stop"]);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  };
  process.once("exit", stop);
  return {
    port,
    version,
    createDatabase(name) {
      psql("postgres", `CREATE DATABASE "${name}"`);
      return `postgres://postgres@127.0.0.1:${port}/${name}`;
    },
    queryNumber: (database, sql) => Number(psql(database, sql)),
    stop,
  };
}
