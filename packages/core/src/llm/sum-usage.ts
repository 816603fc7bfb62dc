import { type Usage } from "./llm-result";

const COUNTS = ["promptTokens", "completionTokens", "totalTokens", "cachedPromptTokens", "cacheWritePromptTokens", "reasoningTokens", "webSearchRequests", "estimatedCost"] as const;

/**
 * The usage of several calls added up (a tool loop's steps, a repaired answer's attempts): every
 * count and the estimated cost summed over the calls that reported it; `null` when none reported
 * usage. An optional count is present when any call reported it; per-iteration details are kept.
 */
export function sumUsage(usages: readonly (Usage | null | undefined)[]): Usage | null {
  const reported = usages.filter((usage): usage is Usage => usage != null);
  if (reported.length === 0) return null;
  if (reported.length === 1) return reported[0]!;
  const total: Usage = { promptTokens: 0, completionTokens: 0, totalTokens: 0 };
  for (const usage of reported) {
    for (const key of COUNTS) {
      const value = usage[key];
      if (value !== undefined) total[key] = (total[key] ?? 0) + value;
    }
    if (usage.iterations) total.iterations = [...(total.iterations ?? []), ...usage.iterations];
  }
  return total;
}
