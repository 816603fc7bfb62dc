/**
 * Scenario "database": what keeping every turn in PostgreSQL costs a RagbitsAPI server under load.
 * The same chat server three ways — no history (the zero-config default), every turn recorded in a
 * MemoryHistoryStore, every turn saved to PostgreSQL (`databaseUrl`) — at C = 200 clients in a
 * closed loop, each turn a new conversation (so the database gets a conversation row and an
 * interaction row per turn, as real traffic gives it). Two answer shapes: the paced one of scenario 2
 * (64 chunks at 20 ms, ~1.3 s a turn), where the target is set, and short unpaced answers (8 chunks
 * at once), where the per-turn cost of the save is as large a share of the work as it can be.
 *
 * Reported per variant: turns/s in the window, time to first event and stream time (p50/p99) and
 * what each adds over "none" (paired per repetition), server CPU per turn; and interactions the
 * database holds afterwards (every turn must have been saved). PostgreSQL runs with its default
 * durability (fsync, synchronous commit), on this machine, beside the load.
 */
import { type BenchConfig } from "../bench-config";
import { type BenchPostgres, startBenchPostgres } from "../database/postgres-server";
import { type LoadJob, type LoadResult } from "../load/load-job";
import { type ProcessMetrics } from "../process/ipc-messages";
import { WorkerProcess, entryUrl } from "../process/worker-process";
import { DATABASE_URL_ENV, HISTORY_ENV } from "../database/history-env";
import { ServerUnderTest } from "../servers/server-under-test";
import { PROMPT, type ServerTarget } from "../servers/server-target";
import { rotation } from "../stats/interleave";
import { type Ratio, type Summary, ratio, summarize } from "../stats/summary";
import { type StreamShape } from "../upstream/stream-shape";
import { type Upstream } from "../upstream/upstream";
import { type Log } from "./scenario-support";

export type HistoryVariant = "none" | "memory" | "postgres";

interface Level {
  name: "paced" | "short";
  concurrency: number;
  shape: Pick<StreamShape, "chunks" | "chunkChars" | "delayMs">;
}

interface DatabaseRun {
  load: LoadResult;
  turnsPerSecond: number;
  serverCpuUsPerTurn: number | null;
  /** Interactions in the database after the run (postgres only): every request the load sent must be there. */
  savedInteractions: number | null;
}

export interface DatabaseRow {
  level: Level["name"];
  variant: HistoryVariant;
  concurrency: number;
  turnsPerSecond: Summary;
  ttfeP50Ms: Summary;
  ttfeP99Ms: Summary;
  streamP50Ms: Summary;
  streamP99Ms: Summary;
  /** Over "none", paired per repetition; null for "none" itself. */
  addedStreamP50Ms: Summary | null;
  addedStreamP99Ms: Summary | null;
  addedTtfeP50Ms: Summary | null;
  serverCpuUsPerTurn: Summary | null;
  errors: number;
  incomplete: number;
  runs: DatabaseRun[];
}

export interface DatabaseReport {
  postgresVersion: string;
  settings: { repetitions: number; warmupMs: number; measureMs: number; primeMs: number };
  levels: Level[];
  rows: DatabaseRow[];
  /** PostgreSQL turns/s over no-history turns/s, per level. Target (paced, C = 200): ≥ 0.90. */
  turnsRatioPostgresVsNone: Record<string, Ratio>;
  /** The same over the in-memory history: the database's own share. */
  turnsRatioPostgresVsMemory: Record<string, Ratio>;
}

const VARIANTS: readonly HistoryVariant[] = ["none", "memory", "postgres"];

/** Every turn a new conversation: the framework's ids and summary come first, then the answer. */
const BODY = JSON.stringify({ message: PROMPT, history: [], context: {} });

const TARGET: ServerTarget = { id: "ragbits", label: "@ragbits/chat RagbitsAPI.run() + LiteLLM, history per BENCH_HISTORY", entry: "ragbits-database-server-process", path: "/api/chat", body: BODY };

export async function runDatabaseHistory(config: BenchConfig, upstream: Upstream, log: Log): Promise<DatabaseReport> {
  const quick = config.mode === "quick";
  const settings = { repetitions: quick ? 1 : 3, primeMs: quick ? 300 : 1_000, warmupMs: quick ? 1_000 : 2_500, measureMs: quick ? 1_500 : 6_000 };
  const levels: Level[] = [
    { name: "paced", concurrency: 200, shape: { chunks: 64, chunkChars: 4, delayMs: 20 } },
    { name: "short", concurrency: 200, shape: { chunks: 8, chunkChars: 4, delayMs: 0 } },
  ];
  const postgres = await startBenchPostgres();
  log(`  PostgreSQL ${postgres.version} on 127.0.0.1:${postgres.port} (fsync and synchronous_commit on)`);
  const runs = new Map<string, DatabaseRun[]>();
  let databases = 0;
  try {
    for (const level of levels) {
      for (let round = 0; round < settings.repetitions; round++) {
        for (const variant of rotation(VARIANTS, round)) {
          const database = variant === "postgres" ? `bench_${++databases}` : undefined;
          const started = performance.now();
          const run = await measureOnce(variant, level, settings, upstream, postgres, database);
          const key = `${level.name}/${variant}`;
          runs.set(key, [...(runs.get(key) ?? []), run]);
          log(`  database ${level.name.padEnd(6)} C=${level.concurrency} ${round + 1}/${settings.repetitions} ${variant.padEnd(9)} ${describe(run)}  [${((performance.now() - started) / 1000).toFixed(1)} s]`);
        }
      }
    }
  } finally {
    postgres.stop();
  }

  const rows: DatabaseRow[] = [];
  const turnsRatioPostgresVsNone: Record<string, Ratio> = {};
  const turnsRatioPostgresVsMemory: Record<string, Ratio> = {};
  for (const level of levels) {
    const of = (variant: HistoryVariant) => runs.get(`${level.name}/${variant}`) ?? [];
    for (const variant of VARIANTS) rows.push(toRow(level, variant, of(variant), of("none")));
    const turns = (variant: HistoryVariant) => of(variant).map((run) => run.turnsPerSecond);
    turnsRatioPostgresVsNone[`${level.name} C=${level.concurrency}`] = ratio(turns("postgres"), turns("none"));
    turnsRatioPostgresVsMemory[`${level.name} C=${level.concurrency}`] = ratio(turns("postgres"), turns("memory"));
  }
  const report: DatabaseReport = { postgresVersion: postgres.version, settings, levels, rows, turnsRatioPostgresVsNone, turnsRatioPostgresVsMemory };
  for (const line of summaryLines(report)) log(line);
  return report;
}

async function measureOnce(variant: HistoryVariant, level: Level, settings: DatabaseReport["settings"], upstream: Upstream, postgres: BenchPostgres, database: string | undefined): Promise<DatabaseRun> {
  const env: Record<string, string> = { [HISTORY_ENV]: variant };
  if (database) env[DATABASE_URL_ENV] = postgres.createDatabase(database);
  const server = await ServerUnderTest.start(TARGET, upstream, { env });
  const { worker: loadGenerator } = await WorkerProcess.start(entryUrl("load-generator-process"), "load generator");
  try {
    // Hot paths compiled first (answers without pauses push hundreds of turns through in a second).
    await upstream.configure({ ...level.shape, delayMs: 0, hold: false, text: "marker" });
    await loadGenerator.request<LoadResult>("run", { ...job(server, level, 16), warmupMs: settings.primeMs, measureMs: 0 });
    await upstream.configure({ ...level.shape, hold: false, text: "marker" });
    let atStart: Promise<ProcessMetrics | undefined> = Promise.resolve(undefined);
    let atEnd: Promise<ProcessMetrics | undefined> = Promise.resolve(undefined);
    loadGenerator.onNotice("window-start", () => (atStart = server.metrics()));
    loadGenerator.onNotice("window-end", () => (atEnd = server.metrics()));
    const load = await loadGenerator.request<LoadResult>("run", { ...job(server, level, level.concurrency), warmupMs: settings.warmupMs, measureMs: settings.measureMs });
    const [start, end] = await Promise.all([atStart, atEnd]);
    const seconds = load.windowMs / 1000;
    const turnsPerSecond = seconds > 0 ? load.requests / seconds : 0;
    const cpuUs = start && end ? end.cpuUserUs + end.cpuSystemUs - (start.cpuUserUs + start.cpuSystemUs) : Number.NaN;
    const turnsInWindow = turnsPerSecond * seconds;
    await server.stop();
    // Stopping the server finished its writes: what the database holds now is all it will hold.
    const savedInteractions = database ? postgres.queryNumber(database, "SELECT count(*) FROM ragbits_interactions") : null;
    // The window's turns are a part of all the load sent (priming and warm-up too): all of them at least must be there.
    if (savedInteractions !== null && savedInteractions < load.requests) throw new Error(`only ${savedInteractions} interactions saved for ${load.requests} turns in the window`);
    return { load, turnsPerSecond, serverCpuUsPerTurn: Number.isFinite(cpuUs) && turnsInWindow > 0 ? cpuUs / turnsInWindow : null, savedInteractions };
  } finally {
    await loadGenerator.stop();
    await server.stop();
  }
}

function job(server: ServerUnderTest, level: Level, concurrency: number): LoadJob {
  return { origin: server.origin, path: TARGET.path, body: TARGET.body, concurrency, warmupMs: 0, measureMs: 0, expectedChunks: level.shape.chunks };
}

function toRow(level: Level, variant: HistoryVariant, runs: DatabaseRun[], baseline: DatabaseRun[]): DatabaseRow {
  const added = (get: (run: DatabaseRun) => number): Summary | null => (variant === "none" ? null : summarize(runs.map((run, i) => (baseline[i] ? get(run) - get(baseline[i]) : Number.NaN))));
  const cpu = runs.map((run) => run.serverCpuUsPerTurn).filter((value): value is number => value !== null);
  return {
    level: level.name,
    variant,
    concurrency: level.concurrency,
    turnsPerSecond: summarize(runs.map((run) => run.turnsPerSecond)),
    ttfeP50Ms: summarize(runs.map((run) => run.load.timeToFirstEvent.p50)),
    ttfeP99Ms: summarize(runs.map((run) => run.load.timeToFirstEvent.p99)),
    streamP50Ms: summarize(runs.map((run) => run.load.streamTime.p50)),
    streamP99Ms: summarize(runs.map((run) => run.load.streamTime.p99)),
    addedStreamP50Ms: added((run) => run.load.streamTime.p50),
    addedStreamP99Ms: added((run) => run.load.streamTime.p99),
    addedTtfeP50Ms: added((run) => run.load.timeToFirstEvent.p50),
    serverCpuUsPerTurn: cpu.length ? summarize(cpu) : null,
    errors: runs.reduce((total, run) => total + run.load.errors, 0),
    incomplete: runs.reduce((total, run) => total + run.load.incomplete, 0),
    runs,
  };
}

function describe({ load, turnsPerSecond, serverCpuUsPerTurn, savedInteractions }: DatabaseRun): string {
  const parts = [
    `${turnsPerSecond.toFixed(0)} turns/s`,
    `ttfe p50 ${load.timeToFirstEvent.p50.toFixed(1)} ms`,
    `stream p50 ${load.streamTime.p50.toFixed(0)} ms p99 ${load.streamTime.p99.toFixed(0)} ms`,
  ];
  if (serverCpuUsPerTurn !== null) parts.push(`cpu ${(serverCpuUsPerTurn / 1000).toFixed(2)} ms/turn`);
  if (savedInteractions !== null) parts.push(`${savedInteractions} saved`);
  if (load.errors) parts.push(`${load.errors} errors (${load.firstError})`);
  if (load.incomplete) parts.push(`${load.incomplete} incomplete`);
  return parts.join("  ");
}

function summaryLines(report: DatabaseReport): string[] {
  const lines = ["", "  level   variant    turns/s         stream p50 (added)      stream p99 (added)      cpu/turn"];
  const pm = (summary: Summary) => `±${((summary.spread / 2) * 100).toFixed(0)}%`;
  for (const row of report.rows) {
    const added = (summary: Summary | null) => (summary ? ` (${summary.median >= 0 ? "+" : ""}${summary.median.toFixed(1)})` : "");
    lines.push(
      `  ${row.level.padEnd(7)} ${row.variant.padEnd(9)}  ${row.turnsPerSecond.median.toFixed(0).padStart(5)} ${pm(row.turnsPerSecond).padEnd(6)}  ` +
        `${`${row.streamP50Ms.median.toFixed(0)} ms${added(row.addedStreamP50Ms)}`.padEnd(22)}  ${`${row.streamP99Ms.median.toFixed(0)} ms${added(row.addedStreamP99Ms)}`.padEnd(22)}  ` +
        `${row.serverCpuUsPerTurn ? `${(row.serverCpuUsPerTurn.median / 1000).toFixed(2)} ms` : "–"}`,
    );
  }
  for (const [level, value] of Object.entries(report.turnsRatioPostgresVsNone)) {
    const memory = report.turnsRatioPostgresVsMemory[level]!;
    lines.push(`  ${level}: PostgreSQL turns/s = ${value.value.toFixed(3)}× no history [${value.pairedMin.toFixed(3)}–${value.pairedMax.toFixed(3)}], ${memory.value.toFixed(3)}× memory history`);
  }
  return lines;
}
