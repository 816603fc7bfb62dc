/**
 * Scenario 1's measuring process: one library, one concurrency, a fresh process each time, so the
 * heap, JIT state and GC debt of one library never leak into another's figures. It warms up
 * (JIT, lazy imports, keep-alive connections), then reads `process.cpuUsage()` around the
 * measured streams: user + system CPU of the whole process, GC threads included.
 */
import { serveParent } from "../process/serve-parent";
import { type ClientLibraryId } from "./client-library";
import { clientLibrary } from "./client-libraries";

export interface ClientCostJob {
  library: ClientLibraryId;
  baseUrl: string;
  concurrency: number;
  warmupStreams: number;
  measuredStreams: number;
  /** Chunks per answer, to catch a library that drops or merges chunks. */
  expectedChunks: number;
}

export interface ClientCostResult {
  cpuUs: number;
  wallMs: number;
  chunks: number;
  streams: number;
  /** Streams that did not deliver exactly `expectedChunks` chunks. */
  badStreams: number;
}

/** Runs `count` streams with `concurrency` in flight at all times. */
async function runStreams(streamOnce: () => Promise<number>, count: number, concurrency: number, expected: number): Promise<{ chunks: number; bad: number }> {
  let started = 0;
  let chunks = 0;
  let bad = 0;
  const lane = async () => {
    while (started < count) {
      started++;
      const received = await streamOnce();
      chunks += received;
      if (received !== expected) bad++;
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, lane));
  return { chunks, bad };
}

serveParent({
  async run(job: ClientCostJob): Promise<ClientCostResult> {
    const streamOnce = await clientLibrary(job.library).create(job.baseUrl);
    await runStreams(streamOnce, job.warmupStreams, job.concurrency, job.expectedChunks);
    const cpuBefore = process.cpuUsage();
    const started = performance.now();
    const { chunks, bad } = await runStreams(streamOnce, job.measuredStreams, job.concurrency, job.expectedChunks);
    const wallMs = performance.now() - started;
    const cpu = process.cpuUsage(cpuBefore);
    return { cpuUs: cpu.user + cpu.system, wallMs, chunks, streams: job.measuredStreams, badStreams: bad };
  },
});
