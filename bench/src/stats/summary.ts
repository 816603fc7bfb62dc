/**
 * Robust summaries for repeated measurements on a shared, noisy machine: medians rather than
 * means, and a noise figure with every value so a reader can tell a real difference from jitter.
 */
export interface Summary {
  median: number;
  min: number;
  max: number;
  q1: number;
  q3: number;
  n: number;
  /** (max − min) / median: with 3–7 repetitions this says more than an IQR would. */
  spread: number;
  /** (q3 − q1) / median. */
  iqrRatio: number;
}

/** The q-quantile (0..1) with linear interpolation between closest ranks. */
export function quantile(values: readonly number[], q: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return quantileOfSorted(sorted, q);
}

export function quantileOfSorted(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  const position = (sorted.length - 1) * q;
  const lower = Math.floor(position);
  const upper = Math.ceil(position);
  const low = sorted[lower] as number;
  const high = sorted[upper] as number;
  return low + (high - low) * (position - lower);
}

export function median(values: readonly number[]): number {
  return quantile(values, 0.5);
}

export function summarize(values: readonly number[]): Summary {
  const finite = values.filter((value) => Number.isFinite(value));
  const sorted = [...finite].sort((a, b) => a - b);
  const mid = quantileOfSorted(sorted, 0.5);
  const q1 = quantileOfSorted(sorted, 0.25);
  const q3 = quantileOfSorted(sorted, 0.75);
  const min = sorted[0] ?? Number.NaN;
  const max = sorted[sorted.length - 1] ?? Number.NaN;
  return {
    median: mid,
    min,
    max,
    q1,
    q3,
    n: sorted.length,
    spread: mid === 0 ? 0 : (max - min) / Math.abs(mid),
    iqrRatio: mid === 0 ? 0 : (q3 - q1) / Math.abs(mid),
  };
}

/**
 * A ratio between two interleaved series: the ratio of their medians, and the range of the
 * per-repetition ratios (A_i / B_i, measured back to back, so they share the machine's mood).
 */
export interface Ratio {
  value: number;
  pairedMin: number;
  pairedMax: number;
}

export function ratio(numerator: readonly number[], denominator: readonly number[]): Ratio {
  const paired: number[] = [];
  for (let i = 0; i < Math.min(numerator.length, denominator.length); i++) {
    const a = numerator[i] as number;
    const b = denominator[i] as number;
    if (Number.isFinite(a) && Number.isFinite(b) && b !== 0) paired.push(a / b);
  }
  return { value: median(numerator) / median(denominator), pairedMin: Math.min(...paired), pairedMax: Math.max(...paired) };
}
