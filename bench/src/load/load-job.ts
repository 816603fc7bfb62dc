import { type LatencySummary } from "../stats/latency-recorder";

/** A closed-loop load: `concurrency` clients, each sending its next request when the previous stream ended. */
export interface LoadJob {
  origin: string;
  path: string;
  body: string;
  concurrency: number;
  warmupMs: number;
  measureMs: number;
  /** Chunks in every answer; streams that deliver another number are counted as incomplete. */
  expectedChunks: number;
}

export interface LoadResult {
  /** Requests started inside the measurement window (the ones whose latencies are reported). */
  requests: number;
  errors: number;
  firstError?: string;
  incomplete: number;
  /** Clients that had not finished a single request when the window opened (the server could not serve them all). */
  lanesNotWarm: number;
  /** Non-zero when in-flight streams did not finish within the drain limit after the window and were cut. */
  cutAtEnd: number;
  /** From sending the request to the first text chunk. */
  timeToFirstEvent: LatencySummary;
  /** From sending the request to the end of the stream. */
  streamTime: LatencySummary;
  /** Text chunks received during the window, per second. */
  eventsPerSecond: number;
  windowMs: number;
}

/** Many streams opened at once and kept open after their first chunk (scenario 3). */
export interface HoldJob {
  origin: string;
  path: string;
  body: string;
  count: number;
  timeoutMs: number;
}

export interface HoldResult {
  /** Streams that delivered their first chunk and are now open. */
  open: number;
  errors: number;
  firstError?: string;
  /** Until the last of them delivered its first chunk. */
  allOpenAfterMs: number;
}
