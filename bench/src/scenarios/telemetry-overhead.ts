/**
 * Scenario 8: what OpenTelemetry costs the chat server, per streamed event, at C=200 — the same
 * RagbitsAPI + LiteLLM server (scenario 2's), started three ways and measured interleaved:
 *
 * - **off**: `@opentelemetry/api` cannot be resolved (a module hook hides it, as if it were not
 *   installed): what every user without OpenTelemetry runs.
 * - **api**: the API is installed but no SDK is registered: a no-op check per turn and per model call.
 * - **sdk**: the OpenTelemetry Node SDK started from the OTEL_* environment as `ragbits api run`
 *   does, exporting spans through its batch processor over OTLP/HTTP (protobuf, the default) to a
 *   sink in this process that reads and drops them; metrics recorded on every turn and call.
 *
 * Reported: server CPU per streamed event (out-of-band `process.cpuUsage()` at the window's edges),
 * events/s, time to first event p50, and the ratios to "off", paired per repetition.
 */
import { type Server, createServer } from "node:http";
import { type AddressInfo } from "node:net";
import { type BenchConfig } from "../bench-config";
import { type LoadJob, type LoadResult } from "../load/load-job";
import { type ProcessMetrics } from "../process/ipc-messages";
import { WorkerProcess, entryUrl } from "../process/worker-process";
import { ServerUnderTest } from "../servers/server-under-test";
import { SERVER_TARGETS } from "../servers/server-target";
import { rotation } from "../stats/interleave";
import { type Ratio, type Summary, ratio, summarize } from "../stats/summary";
import { type Upstream } from "../upstream/upstream";
import { type Log } from "./scenario-support";

export type TelemetryMode = "off" | "api" | "sdk";

export interface TelemetryOverheadSettings {
  repetitions: number;
  concurrency: number;
  chunks: number;
  chunkChars: number;
  delayMs: number;
  primeMs: number;
  warmupMs: number;
  measureMs: number;
}

export interface TelemetryOverheadRow {
  mode: TelemetryMode;
  label: string;
  cpuUsPerEvent: Summary;
  eventsPerSecond: Summary;
  ttfeP50Ms: Summary;
  errors: number;
  /** sdk: what the batch exporter sent, per second of the window. */
  exportedKBPerSecond: Summary | null;
}

export interface TelemetryOverheadReport {
  settings: TelemetryOverheadSettings;
  rows: TelemetryOverheadRow[];
  cpuPerEventVsOff: { api: Ratio; sdk: Ratio };
}

const SETTINGS: Record<"full" | "quick", TelemetryOverheadSettings> = {
  // Scenario 2's C=200 level: answers of 64 chunks at 20 ms (50 tokens/s per stream).
  full: { repetitions: 3, concurrency: 200, chunks: 64, chunkChars: 4, delayMs: 20, primeMs: 1_000, warmupMs: 3_000, measureMs: 10_000 },
  quick: { repetitions: 2, concurrency: 200, chunks: 64, chunkChars: 4, delayMs: 20, primeMs: 300, warmupMs: 2_000, measureMs: 4_000 },
};

const MODES: Array<{ mode: TelemetryMode; label: string }> = [
  { mode: "off", label: "off: @opentelemetry/api not installed" },
  { mode: "api", label: "API only: installed, no SDK registered" },
  { mode: "sdk", label: "SDK: Node SDK, batch span processor, OTLP/HTTP exporter, metrics" },
];

/** Makes `@opentelemetry/api` unresolvable in the server process, as if it were not installed. */
const HIDE_API_HOOK = `import { register } from "node:module";
register("data:text/javascript," + encodeURIComponent('export async function resolve(specifier, context, next) { if (specifier === "@opentelemetry/api") { const error = new Error("Cannot find package \\'@opentelemetry/api\\'"); error.code = "ERR_MODULE_NOT_FOUND"; throw error; } return next(specifier, context); }'));`;

interface ModeRun {
  cpuUsPerEvent: number;
  eventsPerSecond: number;
  ttfeP50Ms: number;
  errors: number;
  exportedKBPerSecond: number | null;
}

export async function runTelemetryOverhead(config: BenchConfig, upstream: Upstream, log: Log): Promise<TelemetryOverheadReport> {
  const settings = SETTINGS[config.mode];
  const sink = await OtlpSink.start();
  try {
    const runs = new Map<TelemetryMode, ModeRun[]>();
    for (let round = 0; round < settings.repetitions; round++) {
      for (const { mode } of rotation(MODES, round)) {
        const run = await measure(mode, settings, upstream, sink);
        runs.set(mode, [...(runs.get(mode) ?? []), run]);
        const exported = run.exportedKBPerSecond === null ? "" : `  exported ${run.exportedKBPerSecond.toFixed(1)} KB/s`;
        log(`  telemetry ${round + 1}/${settings.repetitions} ${mode.padEnd(4)} ${run.cpuUsPerEvent.toFixed(1)} µs CPU/event  ${Math.round(run.eventsPerSecond)} events/s  TTFE p50 ${run.ttfeP50Ms.toFixed(1)} ms${exported}${run.errors ? `  errors ${run.errors}` : ""}`);
      }
    }
    const of = (mode: TelemetryMode) => runs.get(mode) ?? [];
    const rows = MODES.map(({ mode, label }) => {
      const list = of(mode);
      const exported = list.map((run) => run.exportedKBPerSecond).filter((value): value is number => value !== null);
      return {
        mode,
        label,
        cpuUsPerEvent: summarize(list.map((run) => run.cpuUsPerEvent)),
        eventsPerSecond: summarize(list.map((run) => run.eventsPerSecond)),
        ttfeP50Ms: summarize(list.map((run) => run.ttfeP50Ms)),
        errors: list.reduce((sum, run) => sum + run.errors, 0),
        exportedKBPerSecond: exported.length ? summarize(exported) : null,
      };
    });
    const cpu = (mode: TelemetryMode) => of(mode).map((run) => run.cpuUsPerEvent);
    return { settings, rows, cpuPerEventVsOff: { api: ratio(cpu("api"), cpu("off")), sdk: ratio(cpu("sdk"), cpu("off")) } };
  } finally {
    await sink.close();
  }
}

async function measure(mode: TelemetryMode, settings: TelemetryOverheadSettings, upstream: Upstream, sink: OtlpSink): Promise<ModeRun> {
  const target = SERVER_TARGETS.find((candidate) => candidate.id === "ragbits")!;
  const env: Record<string, string> =
    mode === "sdk"
      ? { OTEL_EXPORTER_OTLP_ENDPOINT: sink.url, OTEL_SERVICE_NAME: "ragbits-bench", OTEL_LOGS_EXPORTER: "none", OTEL_NODE_RESOURCE_DETECTORS: "env,process" }
      : {};
  const execArgv = mode === "off" ? [`--import=data:text/javascript,${encodeURIComponent(HIDE_API_HOOK)}`] : [];
  const server = await ServerUnderTest.start(target, upstream, { env, execArgv });
  const { worker: loadGenerator } = await WorkerProcess.start(entryUrl("load-generator-process"), "load generator");
  const shape = { chunks: settings.chunks, chunkChars: settings.chunkChars, hold: false, text: "marker" as const };
  try {
    // Hot paths compiled first: a second of unpaced answers.
    await upstream.configure({ ...shape, delayMs: 0 });
    await loadGenerator.request<LoadResult>("run", { origin: server.origin, path: target.path, body: target.body, concurrency: 16, warmupMs: settings.primeMs, measureMs: 0, expectedChunks: settings.chunks } satisfies LoadJob);
    await upstream.configure({ ...shape, delayMs: settings.delayMs });
    let atStart: Promise<ProcessMetrics | undefined> = Promise.resolve(undefined);
    let atEnd: Promise<ProcessMetrics | undefined> = Promise.resolve(undefined);
    let bytesAtStart = 0;
    let bytesAtEnd = 0;
    loadGenerator.onNotice("window-start", () => {
      atStart = server.metrics();
      bytesAtStart = sink.bytes;
    });
    loadGenerator.onNotice("window-end", () => {
      atEnd = server.metrics();
      bytesAtEnd = sink.bytes;
    });
    const job: LoadJob = { origin: server.origin, path: target.path, body: target.body, concurrency: settings.concurrency, warmupMs: settings.warmupMs, measureMs: settings.measureMs, expectedChunks: settings.chunks };
    const load = await loadGenerator.request<LoadResult>("run", job);
    const [start, end] = await Promise.all([atStart, atEnd]);
    if (!start || !end) throw new Error("the server's CPU could not be read at the window's edges");
    const cpuUs = end.cpuUserUs + end.cpuSystemUs - (start.cpuUserUs + start.cpuSystemUs);
    const events = load.eventsPerSecond * (load.windowMs / 1000);
    return {
      cpuUsPerEvent: events > 0 ? cpuUs / events : Number.NaN,
      eventsPerSecond: load.eventsPerSecond,
      ttfeP50Ms: load.timeToFirstEvent.p50,
      errors: load.errors + load.incomplete,
      exportedKBPerSecond: mode === "sdk" ? (bytesAtEnd - bytesAtStart) / 1024 / (load.windowMs / 1000) : null,
    };
  } finally {
    await loadGenerator.stop();
    await server.stop();
  }
}

/** An OTLP/HTTP endpoint that reads every export and drops it (a collector's cost is not ours). */
class OtlpSink {
  bytes = 0;
  private constructor(private readonly server: Server) {}

  static async start(): Promise<OtlpSink> {
    const server = createServer();
    const sink = new OtlpSink(server);
    server.on("request", (req, res) => {
      req.on("data", (chunk: Buffer) => (sink.bytes += chunk.length));
      req.on("end", () => res.writeHead(200, { "content-type": "application/x-protobuf" }).end());
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    return sink;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}
