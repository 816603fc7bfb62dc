import { once } from "node:events";
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { type BenchConfig } from "../bench-config";
import { runProcess, startProcess } from "../process/run-process";
import { WorkerProcess, entryUrl } from "../process/worker-process";
import { rotation } from "../stats/interleave";
import { type Summary, summarize } from "../stats/summary";
import { type Upstream } from "../upstream/upstream";
import { BENCH_DIR, type Log } from "./scenario-support";
import { UPSTREAM_ENV } from "../servers/server-target";

export interface ImportRow {
  id: string;
  specifiers: string[];
  importMs: Summary;
  processMs: Summary;
}

export interface ServerStartRow {
  id: string;
  label: string;
  /** From spawning the process to the first answered HTTP request. */
  readyMs: Summary;
}

export interface StartupReport {
  imports: ImportRow[];
  servers: ServerStartRow[];
}

const IMPORTS: Array<{ id: string; specifiers: string[] }> = [
  { id: "@ragbits/core", specifiers: ["@ragbits/core"] },
  { id: "@ragbits/chat", specifiers: ["@ragbits/chat"] },
  { id: "openai", specifiers: ["openai"] },
  { id: "ai + @ai-sdk/openai", specifiers: ["ai", "@ai-sdk/openai"] },
  { id: "@langchain/openai", specifiers: ["@langchain/openai"] },
];

const CHAT_CLI = resolve(BENCH_DIR, "../packages/chat/dist/cli.js");
const EXAMPLE_DIR = resolve(BENCH_DIR, "../apps/example");

/** Provider settings are removed so the example starts the same way on every machine (its offline MockLLM). */
function exampleEnv(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  for (const key of ["OPENAI_API_KEY", "OPENAI_BASE_URL", "ANTHROPIC_API_KEY", "AZURE_API_KEY", "RAGBITS_MODEL"]) delete env[key];
  return env;
}

/**
 * Scenario 4: start-up. (a) `import()` of each library in a fresh process, interleaved, the first
 * round discarded as a file-cache warm-up; (b) `ragbits api run` on the example app until
 * /api/config answers, next to the bench's compiled RagbitsAPI and Express + AI SDK servers until
 * their first answer.
 */
export async function runStartup(config: BenchConfig, upstream: Upstream, log: Log): Promise<StartupReport> {
  const settings = config.startup;
  const importSamples = new Map<string, { importMs: number[]; processMs: number[] }>();
  for (let round = -1; round < settings.importRuns; round++) {
    for (const entry of rotation(IMPORTS, Math.max(0, round))) {
      const output = await runProcess(process.execPath, [fileURLToPath(entryUrl("import-probe")), ...entry.specifiers], { cwd: BENCH_DIR });
      if (output.code !== 0) throw new Error(`import of ${entry.id} failed: ${output.stderr.slice(0, 500)}`);
      if (round < 0) continue;
      const { importMs, sinceProcessStartMs } = JSON.parse(output.stdout.trim().split("\n").pop() as string) as { importMs: number; sinceProcessStartMs: number };
      const samples = importSamples.get(entry.id) ?? { importMs: [], processMs: [] };
      samples.importMs.push(importMs);
      samples.processMs.push(sinceProcessStartMs);
      importSamples.set(entry.id, samples);
    }
  }
  const imports = IMPORTS.map(({ id, specifiers }): ImportRow => {
    const samples = importSamples.get(id) ?? { importMs: [], processMs: [] };
    return { id, specifiers, importMs: summarize(samples.importMs), processMs: summarize(samples.processMs) };
  });
  for (const row of imports) log(`  startup import ${row.id.padEnd(20)} ${row.importMs.median.toFixed(1)} ms (process ${row.processMs.median.toFixed(1)} ms)`);

  const starters: Array<{ id: string; label: string; start: () => Promise<number> }> = [
    { id: "ragbits-cli", label: "`ragbits api run src/main.ts:SimpleStreamingChat` (example app, .ts via tsx) until /api/config answers", start: startRagbitsCli },
    { id: "ragbits-api", label: "RagbitsAPI.run() from compiled JS until /api/config answers", start: () => startBenchServer("ragbits-server-process", "/api/config", upstream) },
    { id: "vercel-express", label: "Express + AI SDK server from compiled JS until its first answer", start: () => startBenchServer("vercel-server-process", "/", upstream) },
  ];
  const startSamples = new Map<string, number[]>();
  for (let round = -1; round < settings.cliRuns; round++) {
    for (const starter of rotation(starters, Math.max(0, round))) {
      const ms = await starter.start();
      if (round >= 0) startSamples.set(starter.id, [...(startSamples.get(starter.id) ?? []), ms]);
    }
  }
  const servers = starters.map(({ id, label }): ServerStartRow => ({ id, label, readyMs: summarize(startSamples.get(id) ?? []) }));
  for (const row of servers) log(`  startup ${row.id.padEnd(15)} ready in ${row.readyMs.median.toFixed(0)} ms`);
  return { imports, servers };
}

/** `ragbits api run` with --port 0: the URL it prints is polled once, then /api/config is asked. */
async function startRagbitsCli(): Promise<number> {
  const started = performance.now();
  const child = startProcess(process.execPath, [CHAT_CLI, "api", "run", "src/main.ts:SimpleStreamingChat", "--host", "127.0.0.1", "--port", "0"], { cwd: EXAMPLE_DIR, env: exampleEnv() });
  try {
    const url = await new Promise<string>((resolve, reject) => {
      let output = "";
      const timer = setTimeout(() => reject(new Error(`ragbits api run printed no URL within 30 s:\n${output}`)), 30_000);
      child.stdout?.on("data", (data: Buffer) => {
        output += data.toString();
        const match = /running at (http:\/\/\S+)/.exec(output);
        if (match?.[1]) {
          clearTimeout(timer);
          resolve(match[1]);
        }
      });
      child.stderr?.on("data", (data: Buffer) => (output += data.toString()));
      child.once("exit", (code) => reject(new Error(`ragbits api run exited with ${code}:\n${output}`)));
    });
    await waitForAnswer(`${url}/api/config`, true);
    return performance.now() - started;
  } finally {
    const exited = once(child, "exit");
    child.kill("SIGTERM");
    const timer = setTimeout(() => child.kill("SIGKILL"), 5_000);
    await exited;
    clearTimeout(timer);
  }
}

async function startBenchServer(entry: string, path: string, upstream: Upstream): Promise<number> {
  const started = performance.now();
  const { worker, ready } = await WorkerProcess.start<{ url: string }>(entryUrl(entry), entry, { env: { [UPSTREAM_ENV]: upstream.baseUrl } });
  try {
    await waitForAnswer(`${ready.url}${path}`, path === "/api/config");
    return performance.now() - started;
  } finally {
    await worker.stop();
  }
}

async function waitForAnswer(url: string, requireOk: boolean): Promise<void> {
  const response = await fetch(url);
  await response.arrayBuffer();
  if (requireOk && !response.ok) throw new Error(`${url} answered ${response.status}`);
}
