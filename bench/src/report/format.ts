import { type Ratio, type Summary } from "../stats/summary";

/** A number with sensible precision for a table cell. */
export function num(value: number | null | undefined, digits?: number): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return "–";
  const abs = Math.abs(value);
  const places = digits ?? (abs >= 1000 ? 0 : abs >= 100 ? 0 : abs >= 10 ? 1 : 2);
  return value.toLocaleString("en-US", { minimumFractionDigits: places, maximumFractionDigits: places });
}

/** "31.2 ±6%": the median, and half the min–max range over the repetitions relative to it. */
export function med(summary: Summary | null | undefined, digits?: number): string {
  if (!summary || !Number.isFinite(summary.median)) return "–";
  if (summary.n < 2) return num(summary.median, digits);
  return `${num(summary.median, digits)} ±${Math.round((summary.spread / 2) * 100)}%`;
}

/** "0.81× (0.74–0.90)": ratio of medians, and the range of the per-repetition ratios. */
export function times(value: Ratio | null | undefined): string {
  if (!value || !Number.isFinite(value.value)) return "–";
  const range = Number.isFinite(value.pairedMin) && Number.isFinite(value.pairedMax) ? ` (${value.pairedMin.toFixed(2)}–${value.pairedMax.toFixed(2)})` : "";
  return `${value.value.toFixed(2)}×${range}`;
}

/** Rows as a Markdown table. */
export function table(header: string[], rows: string[][]): string {
  const line = (cells: string[]) => `| ${cells.join(" | ")} |`;
  return [line(header), line(header.map(() => "---")), ...rows.map(line)].join("\n");
}
