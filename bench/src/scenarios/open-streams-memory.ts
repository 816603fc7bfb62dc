import { setTimeout as sleep } from "node:timers/promises";
import { type BenchConfig } from "../bench-config";
import { type HoldResult } from "../load/load-job";
import { type ProcessMetrics } from "../process/ipc-messages";
import { WorkerProcess, entryUrl } from "../process/worker-process";
import { ServerUnderTest } from "../servers/server-under-test";
import { type ServerTargetId, serverTargets } from "../servers/server-target";
import { rotation } from "../stats/interleave";
import { type Ratio, type Summary, ratio, summarize } from "../stats/summary";
import { type Upstream } from "../upstream/upstream";
import { type Log } from "./scenario-support";
import { primeServer } from "./server-load";

export interface MemoryRun {
  open: number;
  errors: number;
  firstError?: string;
  /** Streams the upstream saw open while they were held (each held chat stream holds one upstream stream). */
  upstreamOpen: number;
  rssPerStreamKB: number;
  heapPerStreamKB: number;
  externalPerStreamKB: number;
  baselineRssMB: number;
}

export interface MemoryRow {
  target: ServerTargetId;
  label: string;
  rssPerStreamKB: Summary;
  heapPerStreamKB: Summary;
  externalPerStreamKB: Summary;
  baselineRssMB: Summary;
  runs: MemoryRun[];
}

export interface MemoryReport {
  streams: number;
  rows: MemoryRow[];
  rssRatioVsVercel: Ratio;
  /** RSS per stream over the framework-less SDK server's, for RagbitsAPI behind each adapter. */
  rssRatioVsBareSdk?: Ratio;
  fetchRssRatioVsBareSdk?: Ratio;
}

const PRIME_SHAPE = { chunks: 64, chunkChars: 4, delayMs: 0 };
/** Lets the last held streams' writes and timers settle before the after-GC reading. */
const SETTLE_MS = 1_000;

/**
 * Scenario 3: the memory one open stream costs a server. 1,000 chat streams are opened and held
 * (the upstream sends one chunk, then nothing); the server's RSS after full GCs, before and while
 * they are held, divided by the number held. Fresh server per measurement, started with
 * --expose-gc; its hot paths are primed first so lazily loaded code is not counted per stream.
 */
export async function runOpenStreamsMemory(config: BenchConfig, upstream: Upstream, log: Log): Promise<MemoryReport> {
  const settings = config.memory;
  // With the two references: Node's fetch alone and the SDK without a framework set the floor here.
  const targets = serverTargets((["ragbits", "ragbits-fetch", "vercel", "bare-sdk", "bare-fetch"] as const).filter((id) => config.servers.includes(id)));
  const runs = new Map<ServerTargetId, MemoryRun[]>();
  for (let round = 0; round < settings.repetitions; round++) {
    for (const target of rotation(targets, round)) {
      const server = await ServerUnderTest.start(target, upstream, { execArgv: ["--expose-gc"] });
      const { worker: loadGenerator } = await WorkerProcess.start(entryUrl("load-generator-process"), "load generator");
      try {
        await primeServer(loadGenerator, server, upstream, PRIME_SHAPE, config.server.primeMs);
        await upstream.configure({ ...PRIME_SHAPE, hold: true, text: "marker" });
        await sleep(200);
        const before = (await server.collectGarbage()) as ProcessMetrics;
        const held = await loadGenerator.request<HoldResult>("hold", { origin: server.origin, path: target.path, body: target.body, count: settings.streams, timeoutMs: 60_000 });
        await sleep(SETTLE_MS);
        const after = (await server.collectGarbage()) as ProcessMetrics;
        const { openStreams } = await upstream.stats();
        const perStream = (bytes: number) => bytes / 1024 / Math.max(1, held.open);
        const run: MemoryRun = {
          open: held.open,
          errors: held.errors,
          ...(held.firstError ? { firstError: held.firstError } : {}),
          upstreamOpen: openStreams,
          rssPerStreamKB: perStream(after.rssBytes - before.rssBytes),
          heapPerStreamKB: perStream(after.heapUsedBytes - before.heapUsedBytes),
          externalPerStreamKB: perStream(after.externalBytes - before.externalBytes),
          baselineRssMB: before.rssBytes / 1024 / 1024,
        };
        runs.set(target.id, [...(runs.get(target.id) ?? []), run]);
        log(
          `  memory ${round + 1}/${settings.repetitions} ${target.id.padEnd(13)} ${run.open} open (upstream ${run.upstreamOpen}) in ${(held.allOpenAfterMs / 1000).toFixed(1)} s: ` +
            `RSS +${run.rssPerStreamKB.toFixed(1)} KB/stream, heap +${run.heapPerStreamKB.toFixed(1)} KB/stream (baseline ${run.baselineRssMB.toFixed(0)} MB)${held.errors ? `, ${held.errors} errors (${held.firstError})` : ""}`,
        );
        await loadGenerator.request("release");
      } finally {
        await loadGenerator.stop();
        await server.stop();
      }
    }
  }
  await upstream.configure({ ...PRIME_SHAPE, hold: false, text: "marker" });
  const rows: MemoryRow[] = targets.map((target) => {
    const list = runs.get(target.id) ?? [];
    return {
      target: target.id,
      label: target.label,
      rssPerStreamKB: summarize(list.map((run) => run.rssPerStreamKB)),
      heapPerStreamKB: summarize(list.map((run) => run.heapPerStreamKB)),
      externalPerStreamKB: summarize(list.map((run) => run.externalPerStreamKB)),
      baselineRssMB: summarize(list.map((run) => run.baselineRssMB)),
      runs: list,
    };
  });
  const rssOf = (id: ServerTargetId) => (runs.get(id) ?? []).map((run) => run.rssPerStreamKB);
  return {
    streams: settings.streams,
    rows,
    rssRatioVsVercel: ratio(rssOf("ragbits"), rssOf("vercel")),
    rssRatioVsBareSdk: ratio(rssOf("ragbits"), rssOf("bare-sdk")),
    fetchRssRatioVsBareSdk: ratio(rssOf("ragbits-fetch"), rssOf("bare-sdk")),
  };
}
