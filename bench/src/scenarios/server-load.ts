import { type BenchConfig } from "../bench-config";
import { type LoadJob, type LoadResult } from "../load/load-job";
import { type ProcessMetrics } from "../process/ipc-messages";
import { WorkerProcess, entryUrl } from "../process/worker-process";
import { ServerUnderTest } from "../servers/server-under-test";
import { type ServerTarget, type ServerTargetId, serverTargets } from "../servers/server-target";
import { rotation } from "../stats/interleave";
import { type Ratio, type Summary, ratio, summarize } from "../stats/summary";
import { type StreamShape } from "../upstream/stream-shape";
import { type Upstream } from "../upstream/upstream";
import { type Log, profileFlags } from "./scenario-support";

/** One load level: `latency` runs pace the upstream like a real model; `saturation` lets it send at once. */
export interface LoadLevel {
  kind: "latency" | "saturation";
  concurrency: number;
  shape: Pick<StreamShape, "chunks" | "chunkChars" | "delayMs">;
}

export interface ServerRun {
  load: LoadResult;
  /** Server CPU during the window as a share of one core (100 = one core busy), and per event. */
  serverCpuPercent: number | null;
  serverCpuUsPerEvent: number | null;
  peakRssMB: number | null;
}

export interface ServerRow {
  target: ServerTargetId;
  label: string;
  kind: LoadLevel["kind"];
  concurrency: number;
  ttfeP50Ms: Summary;
  ttfeP99Ms: Summary;
  streamP50Ms: Summary;
  streamP99Ms: Summary;
  eventsPerSecond: Summary;
  serverCpuPercent: Summary | null;
  serverCpuUsPerEvent: Summary | null;
  peakRssMB: Summary | null;
  /** Time to first event added over the floor's, paired per repetition (not for the floor itself). */
  addedTtfeP50Ms: Summary | null;
  addedTtfeP99Ms: Summary | null;
  errors: number;
  incomplete: number;
  /** Most clients, in any repetition, that had not had a single answer when the window opened. */
  starvedClients: number;
  requests: number;
  runs: ServerRun[];
}

export interface ServerLoadReport {
  settings: BenchConfig["server"];
  levels: LoadLevel[];
  rows: ServerRow[];
  /** Ragbits (Express adapter) events/s over the Vercel AI SDK server's, per level ("latency C=…" / "saturation C=…"). */
  eventsRatioVsVercel: Record<string, Ratio>;
  /** Ragbits (Express adapter) server CPU per event over the framework-less SDK server's: what our layers cost. */
  cpuPerEventRatioVsBareSdk: Record<string, Ratio>;
  /** The same for RagbitsAPI.fetch on @hono/node-server. */
  fetchCpuPerEventRatioVsBareSdk?: Record<string, Ratio>;
}

export function loadLevels(settings: BenchConfig["server"]): LoadLevel[] {
  const shape = { chunks: settings.chunks, chunkChars: settings.chunkChars, delayMs: settings.delayMs };
  const levels = settings.concurrencies.map((concurrency): LoadLevel => ({ kind: "latency", concurrency, shape }));
  // Saturation: answers arrive from the upstream at once, so each server streams as fast as its
  // CPU allows; the floor shows what the client and the upstream alone can move.
  if (settings.saturation) levels.push({ kind: "saturation", concurrency: 64, shape: { chunks: 256, chunkChars: 4, delayMs: 0 } });
  return levels;
}

/** The contenders (RagbitsAPI behind both adapters), and the framework-less openai SDK server as a reference for what is ours. */
const TARGET_IDS: readonly ServerTargetId[] = ["floor", "ragbits", "ragbits-fetch", "vercel", "bare-sdk"];

export function levelKey(level: LoadLevel): string {
  return `${level.kind} C=${level.concurrency}`;
}

/**
 * Scenario 2: C concurrent chat requests in a closed loop against the floor (the upstream read
 * directly), RagbitsAPI, and an Express + Vercel AI SDK server. Each measurement gets a fresh
 * server process (so peak RSS belongs to that load level alone) and a fresh load generator.
 */
export async function runServerLoad(config: BenchConfig, upstream: Upstream, log: Log): Promise<ServerLoadReport> {
  const settings = config.server;
  const levels = loadLevels(settings);
  const TARGETS = serverTargets(TARGET_IDS.filter((id) => config.servers.includes(id)));
  const runs = new Map<string, ServerRun[]>();
  for (const level of levels) {
    await upstream.configure({ ...level.shape, hold: false, text: "marker" });
    for (let round = 0; round < settings.repetitions; round++) {
      for (const target of rotation(TARGETS, round)) {
        // Ours, and the framework-less reference, so the two profiles can be compared frame by frame.
        const profiled = target.id.startsWith("ragbits") || target.id === "bare-sdk";
        const profile = config.profile && profiled && round === 0 && (level.concurrency === 200 || level.kind === "saturation");
        const started = performance.now();
        const run = await measureOnce(target, level, settings, upstream, profile);
        const seconds = (performance.now() - started) / 1000;
        const key = `${levelKey(level)}/${target.id}`;
        runs.set(key, [...(runs.get(key) ?? []), run]);
        log(`  server ${levelKey(level).padEnd(16)} ${round + 1}/${settings.repetitions} ${target.id.padEnd(13)} ${describeRun(run)}  [${seconds.toFixed(1)} s]`);
      }
    }
  }

  const rows: ServerRow[] = [];
  const eventsRatioVsVercel: Record<string, Ratio> = {};
  const cpuPerEventRatioVsBareSdk: Record<string, Ratio> = {};
  const fetchCpuPerEventRatioVsBareSdk: Record<string, Ratio> = {};
  for (const level of levels) {
    const floorRuns = runs.get(`${levelKey(level)}/floor`) ?? [];
    for (const target of TARGETS) rows.push(toRow(target, level, runs.get(`${levelKey(level)}/${target.id}`) ?? [], floorRuns));
    const events = (id: ServerTargetId) => (runs.get(`${levelKey(level)}/${id}`) ?? []).map((run) => run.load.eventsPerSecond);
    eventsRatioVsVercel[levelKey(level)] = ratio(events("ragbits"), events("vercel"));
    const cpuPerEvent = (id: ServerTargetId) => (runs.get(`${levelKey(level)}/${id}`) ?? []).map((run) => run.serverCpuUsPerEvent ?? Number.NaN);
    cpuPerEventRatioVsBareSdk[levelKey(level)] = ratio(cpuPerEvent("ragbits"), cpuPerEvent("bare-sdk"));
    fetchCpuPerEventRatioVsBareSdk[levelKey(level)] = ratio(cpuPerEvent("ragbits-fetch"), cpuPerEvent("bare-sdk"));
  }
  return { settings, levels, rows, eventsRatioVsVercel, cpuPerEventRatioVsBareSdk, fetchCpuPerEventRatioVsBareSdk };
}

async function measureOnce(target: ServerTarget, level: LoadLevel, settings: BenchConfig["server"], upstream: Upstream, profile: boolean): Promise<ServerRun> {
  const server = await ServerUnderTest.start(target, upstream, { execArgv: profile ? profileFlags(`server-${target.id}-${level.kind}-c${level.concurrency}`) : [] });
  const { worker: loadGenerator } = await WorkerProcess.start(entryUrl("load-generator-process"), "load generator");
  try {
    await primeServer(loadGenerator, server, upstream, level.shape, settings.primeMs);
    let atStart: Promise<ProcessMetrics | undefined> = Promise.resolve(undefined);
    let atEnd: Promise<ProcessMetrics | undefined> = Promise.resolve(undefined);
    loadGenerator.onNotice("window-start", () => (atStart = server.metrics()));
    loadGenerator.onNotice("window-end", () => (atEnd = server.metrics()));
    const job: LoadJob = {
      origin: server.origin,
      path: target.path,
      body: target.body,
      concurrency: level.concurrency,
      warmupMs: settings.warmupMs,
      measureMs: settings.measureMs,
      expectedChunks: level.shape.chunks,
    };
    const load = await loadGenerator.request<LoadResult>("run", job);
    const [start, end, final] = await Promise.all([atStart, atEnd, server.metrics()]);
    if (!start || !end || !final) return { load, serverCpuPercent: null, serverCpuUsPerEvent: null, peakRssMB: null };
    const cpuUs = end.cpuUserUs + end.cpuSystemUs - (start.cpuUserUs + start.cpuSystemUs);
    const wallUs = (end.atMs - start.atMs) * 1000;
    const events = load.eventsPerSecond * (load.windowMs / 1000);
    return {
      load,
      serverCpuPercent: (cpuUs / wallUs) * 100,
      serverCpuUsPerEvent: events > 0 ? cpuUs / events : null,
      peakRssMB: final.maxRssBytes / 1024 / 1024,
    };
  } finally {
    await loadGenerator.stop();
    await server.stop();
  }
}

/**
 * Compiles the server's hot paths before a measurement: a burst of answers sent without pauses
 * runs hundreds of requests through it in a second, where paced answers at C=1 would take minutes.
 */
export async function primeServer(loadGenerator: WorkerProcess, server: ServerUnderTest, upstream: Upstream, shape: LoadLevel["shape"], primeMs: number): Promise<void> {
  if (!server.target.entry || primeMs <= 0) return;
  await upstream.configure({ ...shape, delayMs: 0, hold: false, text: "marker" });
  const job: LoadJob = { origin: server.origin, path: server.target.path, body: server.target.body, concurrency: 16, warmupMs: primeMs, measureMs: 0, expectedChunks: shape.chunks };
  await loadGenerator.request<LoadResult>("run", job);
  await upstream.configure({ ...shape, hold: false, text: "marker" });
}

function toRow(target: ServerTarget, level: LoadLevel, runs: ServerRun[], floorRuns: ServerRun[]): ServerRow {
  const pick = (get: (run: ServerRun) => number | null): Summary | null => {
    const values = runs.map(get).filter((value): value is number => value !== null);
    return values.length ? summarize(values) : null;
  };
  const added = (get: (run: ServerRun) => number): Summary | null => {
    if (target.id === "floor") return null;
    const pairs = runs.map((run, i) => (floorRuns[i] ? get(run) - get(floorRuns[i]) : Number.NaN));
    return summarize(pairs);
  };
  return {
    target: target.id,
    label: target.label,
    kind: level.kind,
    concurrency: level.concurrency,
    ttfeP50Ms: summarize(runs.map((run) => run.load.timeToFirstEvent.p50)),
    ttfeP99Ms: summarize(runs.map((run) => run.load.timeToFirstEvent.p99)),
    streamP50Ms: summarize(runs.map((run) => run.load.streamTime.p50)),
    streamP99Ms: summarize(runs.map((run) => run.load.streamTime.p99)),
    eventsPerSecond: summarize(runs.map((run) => run.load.eventsPerSecond)),
    serverCpuPercent: pick((run) => run.serverCpuPercent),
    serverCpuUsPerEvent: pick((run) => run.serverCpuUsPerEvent),
    peakRssMB: pick((run) => run.peakRssMB),
    addedTtfeP50Ms: added((run) => run.load.timeToFirstEvent.p50),
    addedTtfeP99Ms: added((run) => run.load.timeToFirstEvent.p99),
    errors: runs.reduce((total, run) => total + run.load.errors, 0),
    incomplete: runs.reduce((total, run) => total + run.load.incomplete, 0),
    starvedClients: Math.max(0, ...runs.map((run) => run.load.lanesNotWarm)),
    requests: runs.reduce((total, run) => total + run.load.requests, 0),
    runs,
  };
}

function describeRun({ load, serverCpuPercent, peakRssMB }: ServerRun): string {
  const parts = [
    `ttfe p50 ${load.timeToFirstEvent.p50.toFixed(2)} ms p99 ${load.timeToFirstEvent.p99.toFixed(2)} ms`,
    `stream p50 ${load.streamTime.p50.toFixed(0)} ms`,
    `${Math.round(load.eventsPerSecond)} ev/s`,
    `${load.requests} req`,
  ];
  if (serverCpuPercent !== null) parts.push(`cpu ${serverCpuPercent.toFixed(0)}%`);
  if (peakRssMB !== null) parts.push(`peak ${peakRssMB.toFixed(0)} MB`);
  if (load.errors) parts.push(`${load.errors} errors (${load.firstError})`);
  if (load.incomplete) parts.push(`${load.incomplete} incomplete`);
  if (load.lanesNotWarm) parts.push(`${load.lanesNotWarm} clients starved in warm-up`);
  return parts.join("  ");
}
