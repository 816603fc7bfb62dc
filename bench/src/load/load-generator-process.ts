/**
 * The load generator: its own process, so the client's CPU never counts as the server's. It uses
 * an undici Pool with one connection per concurrent client (keep-alive, no pipelining), so
 * connection setup happens during warm-up, not inside the measured window.
 */
import { Pool } from "undici";
import { serveParent, notifyParent } from "../process/serve-parent";
import { LatencyRecorder } from "../stats/latency-recorder";
import { type HoldJob, type HoldResult, type LoadJob, type LoadResult } from "./load-job";
import { countMarkers } from "./marker-count";

const REQUEST_TIMEOUT_MS = 60_000;
/** Clients join over this long rather than in one instant: 1,000 simultaneous connects overflow any accept queue. */
const MAX_RAMP_MS = 1_000;
/**
 * How much longer than the warm-up the window may wait for every client's first completed request.
 * An overloaded server can starve some connections for many seconds while serving others; the
 * window then opens anyway and the starved clients are reported (`lanesNotWarm`).
 */
const WARMUP_GRACE_MS = 4_000;
/** After the window, how long in-flight streams may take to finish before they are cut (and counted as errors). */
const DRAIN_LIMIT_MS = 30_000;
const HEADERS = { "content-type": "application/json", accept: "text/event-stream" };

function createPool(origin: string, connections: number): Pool {
  return new Pool(origin, { connections, pipelining: 1, headersTimeout: 0, bodyTimeout: 0, keepAliveTimeout: 120_000, keepAliveMaxTimeout: 120_000, connect: { timeout: 60_000 } });
}

async function runLoad(job: LoadJob): Promise<LoadResult> {
  const pool = createPool(job.origin, job.concurrency);
  const ttfe = new LatencyRecorder();
  const total = new LatencyRecorder();
  let windowStart = Number.POSITIVE_INFINITY;
  let windowEnd = Number.POSITIVE_INFINITY;
  let stopping = false;
  let requests = 0;
  let errors = 0;
  let incomplete = 0;
  let eventsInWindow = 0;
  let firstError: string | undefined;
  let lanesWarm = 0;
  let inFlight = 0;

  const oneRequest = async (): Promise<void> => {
    inFlight++;
    try {
      await streamOne();
    } finally {
      inFlight--;
    }
  };

  const streamOne = async (): Promise<void> => {
    const startedAt = performance.now();
    const measured = startedAt >= windowStart && startedAt < windowEnd;
    let firstEventAt = -1;
    let events = 0;
    try {
      const { statusCode, body } = await pool.request({ method: "POST", path: job.path, headers: HEADERS, body: job.body, signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) });
      if (statusCode !== 200) throw new Error(`HTTP ${statusCode}: ${(await body.text()).slice(0, 200)}`);
      for await (const piece of body) {
        const found = countMarkers(piece as Buffer);
        if (found === 0) continue;
        const now = performance.now();
        if (firstEventAt < 0) firstEventAt = now;
        events += found;
        if (now >= windowStart && now < windowEnd) eventsInWindow += found;
      }
      if (!measured) return;
      requests++;
      if (events !== job.expectedChunks) incomplete++;
      if (firstEventAt >= 0) ttfe.record(firstEventAt - startedAt);
      total.record(performance.now() - startedAt);
    } catch (error) {
      // Failures count wherever they happen (warm-up included): a run with errors is not a result.
      errors++;
      firstError ??= error instanceof Error ? error.message : String(error);
      // A server that fails at once must not turn this loop into a busy spin.
      await sleep(10);
    }
  };

  const rampMs = Math.min(MAX_RAMP_MS, job.warmupMs / 2);
  const lane = async (_: unknown, index: number): Promise<void> => {
    await sleep((index / job.concurrency) * rampMs);
    await oneRequest();
    lanesWarm++;
    while (!stopping) await oneRequest();
  };

  const started = performance.now();
  const lanes = Array.from({ length: job.concurrency }, lane);
  // The window opens once the warm-up time has passed and every client has finished a request
  // (so every connection exists), or after a bounded wait: a server that cannot serve every client
  // is measured as it is, and the clients still waiting are reported.
  while (performance.now() - started < job.warmupMs || (lanesWarm < job.concurrency && performance.now() - started < job.warmupMs + WARMUP_GRACE_MS)) {
    await sleep(20);
  }
  const lanesNotWarm = job.concurrency - lanesWarm;
  windowStart = performance.now();
  notifyParent("window-start");
  await sleep(job.measureMs);
  windowEnd = performance.now();
  notifyParent("window-end");
  stopping = true;
  const drained = await Promise.race([Promise.all(lanes).then(() => true), sleep(DRAIN_LIMIT_MS).then(() => false)]);
  const cutAtEnd = drained ? 0 : inFlight;
  if (drained) await pool.close();
  else await pool.destroy();
  const windowMs = windowEnd - windowStart;
  return {
    requests,
    errors,
    ...(firstError ? { firstError } : {}),
    incomplete,
    lanesNotWarm,
    cutAtEnd,
    timeToFirstEvent: ttfe.summary(),
    streamTime: total.summary(),
    eventsPerSecond: eventsInWindow / (windowMs / 1000),
    windowMs,
  };
}

let heldPool: Pool | undefined;

async function holdStreams(job: HoldJob): Promise<HoldResult> {
  const pool = createPool(job.origin, job.count);
  heldPool = pool;
  const started = performance.now();
  let open = 0;
  let errors = 0;
  let firstError: string | undefined;
  const openOne = () =>
    new Promise<void>((resolve) => {
      const fail = (error: unknown) => {
        errors++;
        firstError ??= error instanceof Error ? error.message : String(error);
        resolve();
      };
      pool.request({ method: "POST", path: job.path, headers: HEADERS, body: job.body }).then(({ statusCode, body }) => {
        if (statusCode !== 200) return fail(new Error(`HTTP ${statusCode}`));
        let seen = false;
        // Keep reading (keep-alive comments may come); the stream stays open until release().
        body.on("data", (piece: Buffer) => {
          if (!seen && countMarkers(piece) > 0) {
            seen = true;
            open++;
            resolve();
          }
        });
        body.on("error", () => undefined);
      }, fail);
    });
  await Promise.race([Promise.all(Array.from({ length: job.count }, openOne)), sleep(job.timeoutMs)]);
  return { open, errors, ...(firstError ? { firstError } : {}), allOpenAfterMs: performance.now() - started };
}

async function releaseStreams(): Promise<void> {
  const pool = heldPool;
  heldPool = undefined;
  await pool?.destroy();
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

serveParent({ run: runLoad, hold: holdStreams, release: releaseStreams });
