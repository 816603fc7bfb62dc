/**
 * `pnpm bench`: runs the scenarios one after another against one upstream process, prints
 * progress and a summary, and writes the results (see report/results-store.ts).
 */
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { type BenchConfig, type ScenarioId, benchConfig } from "./bench-config";
import { parseCliOptions, withoutNodeOption } from "./cli-options";
import { killAllChildren, trackChild } from "./process/child-registry";
import { type BenchResults, type ScenarioReports } from "./report/bench-results";
import { libraryVersions } from "./report/library-versions";
import { currentLoadAverage, machineInfo } from "./report/machine-info";
import { markdownReport } from "./report/markdown-report";
import { storeResults } from "./report/results-store";
import { checkTargets } from "./report/targets";
import { runClientCost } from "./scenarios/client-cost";
import { runDatabaseHistory } from "./scenarios/database-history";
import { runOpenStreamsMemory } from "./scenarios/open-streams-memory";
import { BENCH_DIR, type Log } from "./scenarios/scenario-support";
import { runServerLoad } from "./scenarios/server-load";
import { runStartup } from "./scenarios/startup";
import { runStructuredStream } from "./scenarios/structured-stream";
import { runTelemetryOverhead } from "./scenarios/telemetry-overhead";
import { runUiUnderLoad } from "./scenarios/ui-under-load";
import { Upstream } from "./upstream/upstream";

type ScenarioRunner = (config: BenchConfig, upstream: Upstream, log: Log) => Promise<unknown>;

const RUNNERS: Record<ScenarioId, { title: string; run: ScenarioRunner }> = {
  client: { title: "1. client CPU per streamed chunk", run: runClientCost },
  server: { title: "2. chat server under concurrent load", run: runServerLoad },
  memory: { title: "3. memory per open stream", run: runOpenStreamsMemory },
  startup: { title: "4. start-up", run: runStartup },
  ui: { title: "5. UI under load", run: runUiUnderLoad },
  structured: { title: "6. client CPU per chunk of a structured (JSON) stream", run: runStructuredStream },
  telemetry: { title: "8. what OpenTelemetry costs the chat server per event (off / API only / SDK)", run: runTelemetryOverhead },
  database: { title: "7. conversation history in PostgreSQL vs memory under load", run: runDatabaseHistory },
};

/** Environment variable that tells a bench re-run by `--node` which binary it runs on. */
const NODE_OVERRIDE_ENV = "BENCH_NODE";

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const options = parseCliOptions(argv);
  if (options.node) return rerunOn(options.node, withoutNodeOption(argv));
  const config = benchConfig(options.quick ? "quick" : "full", options);
  const partial = options.servers !== undefined || options.levels !== undefined;
  const log: Log = (line) => console.log(line);
  const startedAt = new Date();
  const machine = machineInfo(BENCH_DIR);
  log(`Ragbits bench (${config.mode} run): ${config.scenarios.join(", ")} on ${machine.cores}× ${machine.cpuModel}, Node ${machine.node}, load average ${machine.loadAverageAtStart.toFixed(2)}`);

  const upstream = await Upstream.start();
  const scenarios: ScenarioReports = {};
  const scenarioSeconds: BenchResults["scenarioSeconds"] = {};
  try {
    for (const id of config.scenarios) {
      const runner = RUNNERS[id];
      log(`\n${runner.title}`);
      const started = performance.now();
      try {
        (scenarios as Record<string, unknown>)[id] = await runner.run(config, upstream, log);
      } catch (error) {
        // One broken scenario (a UI that does not build yet, say) must not cost the others' results.
        const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
        log(`  FAILED: ${message}`);
        (scenarios as Record<string, unknown>)[id] = { error: message };
      }
      scenarioSeconds[id] = Math.round((performance.now() - started) / 100) / 10;
    }
  } finally {
    await upstream.stop();
  }

  const finishedAt = new Date();
  const results: BenchResults = {
    schema: 1,
    mode: config.mode,
    startedAt: startedAt.toISOString(),
    finishedAt: finishedAt.toISOString(),
    durationSeconds: Math.round((finishedAt.getTime() - startedAt.getTime()) / 1000),
    machine: { ...machine, loadAverageAtEnd: currentLoadAverage() },
    versions: libraryVersions(BENCH_DIR),
    config,
    scenarios,
    scenarioSeconds,
    targets: checkTargets(scenarios),
  };
  log(`\n${markdownReport(results)}`);
  if (options.dryRun) return;
  for (const path of storeResults(BENCH_DIR, results, { partial, nodeOverride: process.env[NODE_OVERRIDE_ENV] !== undefined })) log(`wrote ${path}`);
}

/**
 * `--node PATH`: the whole bench runs again on that binary, so the orchestrator, every forked
 * worker (which inherit its execPath) and the start-up probes share one Node version (IPC between
 * two versions' V8 serializers is not guaranteed to work).
 */
async function rerunOn(node: string, argv: string[]): Promise<void> {
  const child = trackChild(spawn(node, [fileURLToPath(import.meta.url), ...argv], { stdio: "inherit", env: { ...process.env, [NODE_OVERRIDE_ENV]: node } }));
  const code = await new Promise<number>((resolve, reject) => {
    child.once("error", reject);
    child.once("exit", (exitCode, signal) => resolve(exitCode ?? (signal ? 1 : 0)));
  });
  if (code !== 0) throw new Error(`the bench on ${node} exited with ${code}`);
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error instanceof Error ? (error.stack ?? error.message) : error);
    killAllChildren();
    process.exit(1);
  },
);
