import { type BenchConfig } from "../bench-config";
import { CLIENT_LIBRARIES } from "../clients/client-libraries";
import { type ClientLibraryId } from "../clients/client-library";
import { type ClientCostJob, type ClientCostResult } from "../clients/client-cost-worker";
import { WorkerProcess, entryUrl } from "../process/worker-process";
import { rotation } from "../stats/interleave";
import { type Ratio, type Summary, ratio, summarize } from "../stats/summary";
import { type Upstream } from "../upstream/upstream";
import { type Log, profileFlags } from "./scenario-support";

export type ClientCostMode = "single" | "concurrent";

export interface ClientCostRow {
  library: ClientLibraryId;
  label: string;
  mode: ClientCostMode;
  concurrency: number;
  cpuUsPerChunk: Summary;
  chunksPerSecond: Summary;
  /** Per repetition, in run order: the raw figures behind the summaries. */
  samples: { cpuUsPerChunk: number[]; chunksPerSecond: number[] };
  badStreams: number;
}

export interface ClientCostReport {
  settings: BenchConfig["clientCost"];
  rows: ClientCostRow[];
  /** Ragbits' CPU per chunk over the raw SDK's and over the Vercel AI SDK's, per mode. */
  ratios: Record<ClientCostMode, { vsOpenAI: Ratio; vsVercel: Ratio; vsLangChain: Ratio }>;
}

/**
 * Scenario 1: CPU per streamed chunk on the client side. The upstream sends each answer at once
 * (no pauses), so what is measured is the library's own work per chunk: HTTP reading, SSE
 * parsing, JSON decoding and its own layers on top.
 */
export async function runClientCost(config: BenchConfig, upstream: Upstream, log: Log): Promise<ClientCostReport> {
  const settings = config.clientCost;
  await upstream.configure({ chunks: settings.chunks, chunkChars: settings.chunkChars, delayMs: 0, hold: false, text: "marker" });
  const modes: Array<{ mode: ClientCostMode; concurrency: number; warmupStreams: number; measuredStreams: number }> = [
    { mode: "single", concurrency: 1, ...settings.single },
    { mode: "concurrent", ...settings.concurrent },
  ];
  const results = new Map<string, ClientCostResult[]>();
  for (let round = 0; round < settings.repetitions; round++) {
    for (const library of rotation(CLIENT_LIBRARIES, round)) {
      for (const mode of modes) {
        const job: ClientCostJob = { library: library.id, baseUrl: upstream.baseUrl, expectedChunks: settings.chunks, ...mode };
        // Ours and the floor, so the two profiles can be compared frame by frame.
        const result = await measureOnce(job, config.profile && (library.id === "ragbits" || library.id === "openai") && round === 0);
        const key = `${library.id}/${mode.mode}`;
        results.set(key, [...(results.get(key) ?? []), result]);
        log(`  client ${round + 1}/${settings.repetitions} ${library.id.padEnd(9)} ${mode.mode.padEnd(10)} ${(result.cpuUs / result.chunks).toFixed(2)} µs/chunk  ${Math.round(result.chunks / (result.wallMs / 1000))} chunks/s${result.badStreams ? `  (${result.badStreams} bad streams)` : ""}`);
      }
    }
  }

  const rows: ClientCostRow[] = [];
  for (const mode of modes) {
    for (const library of CLIENT_LIBRARIES) {
      const runs = results.get(`${library.id}/${mode.mode}`) ?? [];
      const cpuUsPerChunk = runs.map((run) => run.cpuUs / run.chunks);
      const chunksPerSecond = runs.map((run) => run.chunks / (run.wallMs / 1000));
      rows.push({
        library: library.id,
        label: library.label,
        mode: mode.mode,
        concurrency: mode.concurrency,
        cpuUsPerChunk: summarize(cpuUsPerChunk),
        chunksPerSecond: summarize(chunksPerSecond),
        samples: { cpuUsPerChunk, chunksPerSecond },
        badStreams: runs.reduce((total, run) => total + run.badStreams, 0),
      });
    }
  }
  const cpuOf = (library: ClientLibraryId, mode: ClientCostMode) => rows.find((row) => row.library === library && row.mode === mode)?.samples.cpuUsPerChunk ?? [];
  const ratiosFor = (mode: ClientCostMode) => ({
    vsOpenAI: ratio(cpuOf("ragbits", mode), cpuOf("openai", mode)),
    vsVercel: ratio(cpuOf("ragbits", mode), cpuOf("vercel", mode)),
    vsLangChain: ratio(cpuOf("ragbits", mode), cpuOf("langchain", mode)),
  });
  return { settings, rows, ratios: { single: ratiosFor("single"), concurrent: ratiosFor("concurrent") } };
}

async function measureOnce(job: ClientCostJob, profile: boolean): Promise<ClientCostResult> {
  const { worker } = await WorkerProcess.start(entryUrl("client-cost-worker"), `client-cost ${job.library}`, {
    execArgv: profile ? profileFlags(`client-${job.library}-c${job.concurrency}`) : [],
  });
  try {
    return await worker.request<ClientCostResult>("run", job);
  } finally {
    await worker.stop();
  }
}
