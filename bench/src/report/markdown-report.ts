import { type ClientCostReport } from "../scenarios/client-cost";
import { type MemoryReport } from "../scenarios/open-streams-memory";
import { type ServerLoadReport, levelKey } from "../scenarios/server-load";
import { type StartupReport } from "../scenarios/startup";
import { type UiReport } from "../scenarios/ui-under-load";
import { type BenchResults, type ScenarioFailure, isFailure } from "./bench-results";
import { med, num, table, times } from "./format";

/** The "Latest results" section of bench/README.md, from one run. */
export function markdownReport(results: BenchResults): string {
  const { machine } = results;
  const sections = [
    `Run of ${results.startedAt.slice(0, 16).replace("T", " ")} UTC (${results.mode} run, ${Math.round(results.durationSeconds / 60)} min), raw data in \`results/${resultFileName(results)}\`.`,
    "",
    `**Machine:** ${machine.cpuModel}, ${machine.cores} cores, ${machine.memoryGB} GB RAM, ${machine.os}, Node ${machine.node}. ` +
      `Load average ${machine.loadAverageAtStart.toFixed(2)} at start, ${machine.loadAverageAtEnd?.toFixed(2) ?? "?"} at end (shared machine: other work may have run alongside). ` +
      `Repository at ${machine.gitCommit}${machine.gitDirtyFiles ? ` with ${machine.gitDirtyFiles} uncommitted files` : ""}.`,
    "",
    `**Versions:** ${Object.entries(results.versions)
      .map(([name, version]) => `${name} ${version}`)
      .join(", ")}.`,
    "",
    "Figures are medians over interleaved repetitions; `±x%` is half the min–max range across them, relative to the median; ratios are ratios of medians with the range of per-repetition ratios in brackets.",
    "",
    "### Targets",
    "",
    table(
      ["Scenario", "Target", "Measured", "Met"],
      results.targets.map((check) => [check.scenario, check.target, check.measured, check.met === null ? "–" : check.met ? "yes" : "**no**"]),
    ),
    "",
    section("### 1. Client CPU per streamed chunk", results.scenarios.client, clientSection),
    section("### 2. Chat server under concurrent load", results.scenarios.server, serverSection),
    section("### 3. Memory per open stream", results.scenarios.memory, memorySection),
    section("### 4. Start-up", results.scenarios.startup, startupSection),
    section("### 5. UI under load", results.scenarios.ui, uiSection),
  ];
  return sections.join("\n");
}

export function resultFileName(results: BenchResults): string {
  return `${results.startedAt.slice(0, 19).replace(/:/g, "-")}Z.json`;
}

function section<T>(title: string, report: T | ScenarioFailure | undefined, render: (report: T) => string): string {
  if (report === undefined) return `${title}\n\nNot run.\n`;
  if (isFailure(report)) return `${title}\n\n**Failed:** \`${report.error.split("\n")[0]}\`\n`;
  return `${title}\n\n${render(report)}\n`;
}

function clientSection(report: ClientCostReport): string {
  const rowFor = (library: string, mode: string) => report.rows.find((row) => row.library === library && row.mode === mode);
  const libraries = [...new Set(report.rows.map((row) => row.library))];
  const rows = libraries.map((library) => {
    const single = rowFor(library, "single");
    const concurrent = rowFor(library, "concurrent");
    const bad = (single?.badStreams ?? 0) + (concurrent?.badStreams ?? 0);
    return [
      `${single?.label ?? library}${bad ? ` (${bad} streams lost chunks)` : ""}`,
      med(single?.cpuUsPerChunk),
      med(single?.chunksPerSecond),
      med(concurrent?.cpuUsPerChunk),
      med(concurrent?.chunksPerSecond),
    ];
  });
  const ratioRows = (["single", "concurrent"] as const).map((mode) => [
    mode === "single" ? "1 stream" : `${report.settings.concurrent.concurrency} concurrent`,
    times(report.ratios[mode].vsOpenAI),
    times(report.ratios[mode].vsVercel),
    times(report.ratios[mode].vsLangChain),
  ]);
  return [
    `${report.settings.repetitions} repetitions, a fresh process per measurement; answers of ${report.settings.chunks} chunks × ${report.settings.chunkChars} characters sent without pauses; CPU = user + system of the client process (GC and compiler threads included) after warm-up, per chunk received (request set-up amortised over the answer).`,
    "",
    table(["Client", "µs CPU/chunk, 1 stream", "chunks/s, 1 stream", `µs CPU/chunk, ${report.settings.concurrent.concurrency} concurrent`, `chunks/s, ${report.settings.concurrent.concurrency} concurrent`], rows),
    "",
    "@ragbits/core's CPU per chunk relative to:",
    "",
    table(["Mode", "raw openai SDK", "Vercel AI SDK", "LangChain.js"], ratioRows),
  ].join("\n");
}

const WARMUP_NOTE = "when the window opened (warm-up + up to 4 s): an overloaded server serving some connections while starving others";

function serverSection(report: ServerLoadReport): string {
  const { settings } = report;
  const rows = report.rows.map((row) => [
    row.kind === "latency" ? `${row.concurrency}` : `${row.concurrency} (saturation)`,
    row.target,
    med(row.ttfeP50Ms),
    med(row.ttfeP99Ms),
    med(row.addedTtfeP50Ms),
    med(row.addedTtfeP99Ms),
    med(row.streamP50Ms, 0),
    med(row.eventsPerSecond, 0),
    med(row.serverCpuPercent, 0),
    med(row.serverCpuUsPerEvent),
    med(row.peakRssMB, 0),
    `${row.errors + row.incomplete}`,
    `${row.starvedClients}`,
  ]);
  const ratios = report.levels.map((level) => `${levelKey(level)}: ${times(report.eventsRatioVsVercel[levelKey(level)])}`);
  const ownCost = report.levels.map((level) => `${levelKey(level)}: ${times(report.cpuPerEventRatioVsBareSdk[levelKey(level)])}`);
  const fetchCost = report.levels.map((level) => `${levelKey(level)}: ${times(report.fetchCpuPerEventRatioVsBareSdk?.[levelKey(level)])}`);
  return [
    `Closed loop: C clients, each sending its next chat request when the previous answer ended, for ${settings.measureMs / 1000} s after ${settings.warmupMs / 1000} s of warm-up (plus ${settings.primeMs / 1000} s of unpaced requests to compile hot paths), ${settings.repetitions} interleaved repetitions, fresh server and load-generator processes each time. ` +
      `Latency levels: answers of ${settings.chunks} chunks at one per ${settings.delayMs} ms (${Math.round(1000 / settings.delayMs)} tokens/s per stream). Saturation level: 256-chunk answers sent without pauses, so each server streams as fast as its CPU allows. ` +
      `"ragbits" is RagbitsAPI.run() (the node:http/Express adapter); "ragbits-fetch" is the same chat through RagbitsAPI.fetch on @hono/node-server. ` +
      `"floor" is the upstream read directly by the same client; "bare-sdk" is a reference, not a contender: plain node:http + the openai SDK stream, no framework. TTFE = time to the first text event; "added" = minus the floor's, paired per repetition. Server CPU in % of one core (> 100 % = GC/compiler threads too). "starved clients": clients that had not received a single answer ${WARMUP_NOTE}.`,
    "",
    table(["C", "Server", "TTFE p50 ms", "TTFE p99 ms", "added p50 ms", "added p99 ms", "stream p50 ms", "events/s", "server CPU %", "µs CPU/event", "peak RSS MB", "errors", "starved clients"], rows),
    "",
    `RagbitsAPI events/s relative to the Express + Vercel AI SDK server — ${ratios.join("; ")}.`,
    "",
    `RagbitsAPI server CPU per event relative to the framework-less openai SDK server (bare-sdk; what our layers add) — ${ownCost.join("; ")}.`,
    "",
    `The same for RagbitsAPI.fetch on @hono/node-server — ${fetchCost.join("; ")}.`,
  ].join("\n");
}

function memorySection(report: MemoryReport): string {
  const rows = report.rows.map((row) => [row.label, med(row.rssPerStreamKB), med(row.heapPerStreamKB), med(row.externalPerStreamKB), med(row.baselineRssMB, 0), `${Math.min(...row.runs.map((run) => run.open))}`]);
  return [
    `${report.streams.toLocaleString("en-US")} chat streams opened and held (the upstream sends one chunk, then nothing); server memory after forced full GCs, while held minus before, per stream. Each held chat stream also holds one upstream connection, which is part of its cost.`,
    "",
    table(["Server", "RSS KB/stream", "JS heap KB/stream", "external KB/stream", "baseline RSS MB", "streams held (min)"], rows),
    "",
    `RagbitsAPI RSS per stream relative to the Vercel AI SDK server: ${times(report.rssRatioVsVercel)}; relative to the framework-less openai SDK server (bare-sdk): ${times(report.rssRatioVsBareSdk)} (Express adapter), ${times(report.fetchRssRatioVsBareSdk)} (RagbitsAPI.fetch on @hono/node-server).`,
  ].join("\n");
}

function startupSection(report: StartupReport): string {
  return [
    "`import()` in a fresh process (median over runs, after one discarded file-cache warm-up), and the whole process up to that point:",
    "",
    table(
      ["Import", "import ms", "process start → imported, ms"],
      report.imports.map((row) => [`\`${row.specifiers.join("`, `")}\``, med(row.importMs), med(row.processMs)]),
    ),
    "",
    table(
      ["Server start", "ready ms"],
      report.servers.map((row) => [row.label, med(row.readyMs, 0)]),
    ),
  ].join("\n");
}

function uiSection(report: UiReport): string {
  return [
    `Built UI served by RagbitsAPI in headless Chromium (1280×900): a ${report.messagesBefore}-message conversation built through the UI, then a ${report.tokens.toLocaleString("en-US")}-token markdown answer at one token per ${report.chunkDelayMs} ms.`,
    "",
    table(
      ["Long tasks > 50 ms", "longest ms", "long-task total ms", "longest frame gap ms", "frames", "answer wall time s", "long tasks while building the conversation"],
      [[`${report.longTasks}`, num(report.longestTaskMs, 0), num(report.longTaskTotalMs, 0), num(report.maxFrameGapMs, 0), `${report.frames}`, num(report.streamMs / 1000, 1), `${report.longTasksWhileSeeding}`]],
    ),
  ].join("\n");
}
