import { quantileOfSorted } from "./summary";

/** Percentiles of one run's latency samples (milliseconds). */
export interface LatencySummary {
  count: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
  mean: number;
}

/**
 * Collects latency samples of one run. Runs are a few seconds long (at most tens of thousands of
 * samples), so exact percentiles over the raw samples are affordable and need no bucketing.
 */
export class LatencyRecorder {
  private readonly samples: number[] = [];

  record(ms: number): void {
    this.samples.push(ms);
  }

  get count(): number {
    return this.samples.length;
  }

  summary(): LatencySummary {
    const sorted = [...this.samples].sort((a, b) => a - b);
    const sum = sorted.reduce((total, value) => total + value, 0);
    return {
      count: sorted.length,
      p50: quantileOfSorted(sorted, 0.5),
      p90: quantileOfSorted(sorted, 0.9),
      p99: quantileOfSorted(sorted, 0.99),
      max: sorted[sorted.length - 1] ?? Number.NaN,
      mean: sorted.length ? sum / sorted.length : Number.NaN,
    };
  }
}
