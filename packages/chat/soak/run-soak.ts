/**
 * `pnpm test:soak` — the long, bounded runs of issue #6 (never part of `pnpm test`):
 *
 * 1. Load and soak: SOAK_REQUESTS (100,000) streamed chat requests at SOAK_CONCURRENCY (64) against
 *    RagbitsAPI (its own process, --expose-gc) whose chat streams from LiteLLM → an OpenAI-compatible
 *    mock upstream (its own process), all on loopback. Every answer must be byte-identical to what
 *    the upstream sent (multi-byte text split across chunks and network writes), 0 may fail, and the
 *    server's RSS after a full GC must end within 10% of where it started (after a warm-up and GC).
 * 2. The abort storm: SOAK_STORM_CLIENTS (1,000) clients disconnecting at random points of a stream,
 *    50 at a time, against the same two processes: every upstream request must be closed, p99 within
 *    100 ms of its client leaving (measured by the upstream, on the wall clock all processes share).
 * 3. The Jest suites of test/reliability at full size: the abort storm with its in-process checks
 *    (every finally ran, every partial answer persisted, no handle leaked) at SOAK_STORM_CLIENTS, and
 *    SOAK_HOSTILE_REQUESTS (50,000) hostile requests.
 *
 * Prints its figures; exits non-zero when any check fails or SOAK_MAX_SECONDS (1,200) runs out.
 * Set SOAK_ONLY_LOAD=1 to skip step 3.
 */
import { type ChildProcess, fork, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { Agent } from "node:http";
import { cpus, loadavg } from "node:os";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { performance } from "node:perf_hooks";
import { fileURLToPath } from "node:url";
import { abortStorm } from "./abort-storm";
import { streamChat } from "./load-client";
import { SOAK_ANSWERS } from "./soak-answers";
import { type FromChild, type ToChild } from "./soak-messages";

const here = dirname(fileURLToPath(import.meta.url));
const packageDir = dirname(here);
const env = process.env;

const config = {
  requests: Number(env.SOAK_REQUESTS ?? 100_000),
  /** The server's RSS after GC is also taken every this many requests, to show the trend. */
  checkpointEvery: Number(env.SOAK_CHECKPOINT ?? 25_000),
  warmup: Number(env.SOAK_WARMUP ?? 2_000),
  concurrency: Number(env.SOAK_CONCURRENCY ?? 64),
  maxSeconds: Number(env.SOAK_MAX_SECONDS ?? 1_200),
  rssTolerance: 0.1,
  stormClients: env.SOAK_STORM_CLIENTS ?? "1000",
  hostileRequests: env.SOAK_HOSTILE_REQUESTS ?? "50000",
  onlyLoad: env.SOAK_ONLY_LOAD === "1",
};
const deadline = Date.now() + config.maxSeconds * 1000;

const children: ChildProcess[] = [];
process.on("exit", () => {
  for (const child of children) if (child.exitCode === null) child.kill("SIGKILL");
});
for (const signal of ["SIGINT", "SIGTERM"] as const) process.on(signal, () => process.exit(130));

const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;
const ms = (value: number) => `${value.toFixed(1)} ms`;
const log = (line: string) => process.stdout.write(`${line}\n`);

function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

/** Forks a soak child (TypeScript through tsx) and waits for its "ready" message. */
async function startChild(file: string, childEnv: Record<string, string>, execArgv: string[] = []): Promise<{ child: ChildProcess; url: string }> {
  const child = fork(join(here, file), [], { cwd: packageDir, execArgv: [...execArgv, "--import", "tsx"], env: { ...env, ...childEnv }, stdio: ["ignore", "inherit", "inherit", "ipc"] });
  children.push(child);
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${file} did not start within 30 s`)), 30_000);
    child.once("exit", (code) => reject(new Error(`${file} exited with ${code} before it was ready`)));
    child.on("message", (message: FromChild) => {
      if (message.type !== "ready") return;
      clearTimeout(timer);
      resolve(message.url);
    });
  });
  return { child, url };
}

function ask<T extends FromChild["type"]>(child: ChildProcess, message: ToChild, answer: T): Promise<Extract<FromChild, { type: T }>> {
  return new Promise((resolve) => {
    const onMessage = (reply: FromChild) => {
      if (reply.type !== answer) return;
      child.off("message", onMessage);
      resolve(reply as Extract<FromChild, { type: T }>);
    };
    child.on("message", onMessage);
    child.send(message);
  });
}

interface LoadResult {
  completed: number;
  failed: number;
  failures: string[];
  seconds: number;
  latencies: Float64Array;
  firstText: Float64Array;
  maxRssSeen: number;
}

/** `count` requests, `concurrency` at a time; each answer checked against what the upstream sent. */
async function load(port: number, server: ChildProcess, count: number, label: string, onCheckpoint?: (done: number) => Promise<void>): Promise<LoadResult> {
  const agent = new Agent({ keepAlive: true, maxSockets: config.concurrency });
  const latencies = new Float64Array(count);
  const firstText = new Float64Array(count);
  const result: LoadResult = { completed: 0, failed: 0, failures: [], seconds: 0, latencies, firstText, maxRssSeen: 0 };
  const started = performance.now();
  let next = 0;
  let lastDone = 0;
  const progress = setInterval(() => {
    void ask(server, { type: "memory", gc: false }, "memory").then(({ rss }) => {
      result.maxRssSeen = Math.max(result.maxRssSeen, rss);
      const seconds = (performance.now() - started) / 1000;
      log(`  ${label}: ${result.completed}/${count} in ${seconds.toFixed(0)} s (${Math.round((result.completed - lastDone) / 10)} req/s now), ${result.failed} failed, server RSS ${mb(rss)}`);
      lastDone = result.completed;
    });
  }, 10_000);
  const fail = (index: number, reason: string) => {
    result.failed++;
    if (result.failures.length < 10) result.failures.push(`request ${index}: ${reason}`);
  };
  let paused: Promise<void> | undefined;
  let nextCheckpoint = config.checkpointEvery;
  const worker = async () => {
    while (next < count && Date.now() < deadline) {
      while (paused) await paused;
      if (onCheckpoint && next >= nextCheckpoint && next < count) {
        // Let the requests in flight finish, then measure (the other workers wait here too).
        nextCheckpoint += config.checkpointEvery;
        paused = (async () => {
          while (result.completed < next) await new Promise((resolve) => setTimeout(resolve, 5));
          await onCheckpoint(result.completed);
          paused = undefined;
        })();
        continue;
      }
      const index = next++;
      const answer = SOAK_ANSWERS[index % SOAK_ANSWERS.length]!;
      const expected = answer.chunks.join("");
      try {
        const got = await streamChat(port, agent, { message: `soak ${index % SOAK_ANSWERS.length}` });
        latencies[index] = got.totalMs;
        firstText[index] = got.firstTextMs;
        if (got.status !== 200) fail(index, `status ${got.status}`);
        else if (got.errors.length) fail(index, `error events ${JSON.stringify(got.errors)}`);
        else if (got.text !== expected || !Buffer.from(got.text, "utf8").equals(Buffer.from(expected, "utf8"))) fail(index, `text differs: got ${JSON.stringify(got.text.slice(0, 80))}, expected ${JSON.stringify(expected.slice(0, 80))}`);
      } catch (error) {
        fail(index, `transport error ${(error as Error).message}`);
      }
      result.completed++;
    }
  };
  await Promise.all(Array.from({ length: config.concurrency }, worker));
  clearInterval(progress);
  agent.destroy();
  result.seconds = (performance.now() - started) / 1000;
  result.latencies = latencies.slice(0, result.completed).sort();
  result.firstText = firstText.slice(0, result.completed).sort();
  return result;
}

function runJest(files: string[], jestEnv: Record<string, string>): Promise<number> {
  const jest = createRequire(import.meta.url).resolve("jest/bin/jest");
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [jest, "--runInBand", ...files], { cwd: packageDir, env: { ...env, ...jestEnv }, stdio: "inherit" });
    children.push(child);
    child.on("exit", (code) => resolve(code ?? 1));
  });
}

async function main(): Promise<void> {
  const problems: string[] = [];
  const key = `sk-SOAK-${randomBytes(12).toString("hex")}`;
  log(`soak: ${config.requests} requests at ${config.concurrency} concurrent (after ${config.warmup} warm-up), limit ${config.maxSeconds} s`);

  const upstream = await startChild("soak-upstream.ts", { OPENAI_API_KEY: key });
  const server = await startChild("soak-server.ts", { OPENAI_API_KEY: key, SOAK_UPSTREAM_URL: upstream.url }, ["--expose-gc"]);
  const port = Number(new URL(server.url).port);
  const boot = await ask(server.child, { type: "memory", gc: true }, "memory");

  const warm = await load(port, server.child, config.warmup, "warm-up");
  if (warm.failed) problems.push(`warm-up: ${warm.failed} failed: ${warm.failures.join("; ")}`);
  const start = await ask(server.child, { type: "memory", gc: true }, "memory");

  const checkpoints: string[] = [];
  const main = await load(port, server.child, config.requests, "soak", async (done) => {
    const memory = await ask(server.child, { type: "memory", gc: true }, "memory");
    checkpoints.push(`${done}: ${mb(memory.rss)}`);
  });
  const endBeforeGc = await ask(server.child, { type: "memory", gc: false }, "memory");
  const end = await ask(server.child, { type: "memory", gc: true }, "memory");
  await ask(server.child, { type: "loop-delay", reset: true }, "loop-delay");
  const storm = await abortStorm(port, upstream.child, { clients: Number(config.stormClients), concurrency: 50, seed: 20261126 });
  const stormLoop = await ask(server.child, { type: "loop-delay", reset: false }, "loop-delay");
  const stats = await ask(server.child, { type: "stop" }, "stats");
  upstream.child.send({ type: "stop" } satisfies ToChild);

  const growth = end.rss / start.rss - 1;
  log("");
  log(`soak: ${main.completed} streamed requests, ${config.concurrency} concurrent, in ${main.seconds.toFixed(1)} s: ${Math.round(main.completed / main.seconds)} req/s; ${main.failed} failed; ${main.completed - main.failed} answers byte-identical to the upstream's`);
  log(`  latency (request → end of answer): p50 ${ms(percentile(main.latencies, 50))}, p99 ${ms(percentile(main.latencies, 99))}, max ${ms(percentile(main.latencies, 100))}; first text event: p50 ${ms(percentile(main.firstText, 50))}, p99 ${ms(percentile(main.firstText, 99))}`);
  log(`  server RSS: at boot ${mb(boot.rss)}; start (after ${config.warmup} warm-up requests and GC) ${mb(start.rss)}; highest seen ${mb(Math.max(main.maxRssSeen, endBeforeGc.rss))}; end ${mb(endBeforeGc.rss)}; end after GC ${mb(end.rss)} (${growth >= 0 ? "+" : ""}${(growth * 100).toFixed(1)}% of start, limit +${config.rssTolerance * 100}%)`);
  if (checkpoints.length) log(`  server RSS after GC along the way (requests: RSS): ${checkpoints.join(", ")}`);
  log(`  server heap after GC: start ${mb(start.heapUsed)}, end ${mb(end.heapUsed)}; external + array buffers: start ${mb(start.external + start.arrayBuffers)}, end ${mb(end.external + end.arrayBuffers)}`);
  const sorted = (values: number[]) => Float64Array.from(values).sort();
  const [all, midStream] = [sorted(storm.all), sorted(storm.midStream)];
  log(`abort storm: ${storm.clients} clients disconnecting at random points, 50 at a time, ${storm.upstreamRequests} upstream requests, ${storm.seconds.toFixed(1)} s; server and upstream in their own processes`);
  log(`  upstream request closed after its client left, all: p50 ${ms(percentile(all, 50))}, p99 ${ms(percentile(all, 99))}, max ${ms(percentile(all, 100))}`);
  log(`  of clients that left mid-stream (${midStream.length}): p50 ${ms(percentile(midStream, 50))}, p99 ${ms(percentile(midStream, 99))}, max ${ms(percentile(midStream, 100))}`);
  log(`  the server's event-loop delay meanwhile: p50 ${ms(stormLoop.p50)}, p99 ${ms(stormLoop.p99)}, max ${ms(stormLoop.max)}; machine load average ${loadavg().map((load) => load.toFixed(2)).join(" ")} on ${cpus().length} cores`);
  if (storm.stillOpen || storm.completed) problems.push(`abort storm: ${storm.stillOpen} upstream request(s) never closed, ${storm.completed} ran to the end`);
  if (!(percentile(all, 99) <= 100)) problems.push(`abort storm: p99 close latency ${ms(percentile(all, 99))} (limit 100 ms)`);
  if (main.completed < config.requests) problems.push(`only ${main.completed} of ${config.requests} requests within ${config.maxSeconds} s`);
  if (main.failed) problems.push(`${main.failed} failed: ${main.failures.join("; ")}`);
  if (growth > config.rssTolerance) problems.push(`RSS after GC grew ${(growth * 100).toFixed(1)}% (limit ${config.rssTolerance * 100}%)`);
  if (stats.errorLines.length) problems.push(`the server logged ${stats.errorLines.length} error(s), first: ${stats.errorLines[0]}`);
  if (stats.activeTurns !== 0) problems.push(`the server still tracked ${stats.activeTurns} turn(s)`);

  if (!config.onlyLoad) {
    log("");
    log(`soak: the Jest suites at full size: abort storm (${config.stormClients} clients) and hostile input (${config.hostileRequests} requests)`);
    const code = await runJest(["test/reliability/abort-storm.test.ts", "test/reliability/hostile-input.test.ts"], {
      RAGBITS_ABORT_STORM_CLIENTS: config.stormClients,
      RAGBITS_HOSTILE_REQUESTS: config.hostileRequests,
      RAGBITS_HOSTILE_PATHS: env.SOAK_HOSTILE_PATHS ?? "10000",
      RAGBITS_HOSTILE_SEED: env.SOAK_HOSTILE_SEED ?? "20261126",
    });
    if (code !== 0) problems.push(`the abort storm / hostile input suites failed (jest exit code ${code})`);
  }

  log("");
  if (problems.length) {
    for (const problem of problems) log(`soak: FAILED: ${problem}`);
    process.exitCode = 1;
  } else {
    log("soak: PASSED");
  }
}

main().catch((error: unknown) => {
  log(`soak: FAILED: ${(error as Error).stack ?? String(error)}`);
  process.exitCode = 1;
});
