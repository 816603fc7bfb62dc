import { type ToolCall } from "./tool-call";

/**
 * One sampling step inside a single provider call, as the provider reported it (Anthropic's
 * `usage.iterations`: the turns of a server-side tool loop, and compaction steps).
 */
export interface UsageIteration {
  /** The provider's kind of step: "message", "compaction", "fallback_message", … */
  type: string;
  /** The model that ran the step, when the provider says. */
  model?: string;
  promptTokens: number;
  completionTokens: number;
  cachedPromptTokens?: number;
  cacheWritePromptTokens?: number;
}

export interface Usage {
  /** Every prompt token billed: uncached, read from the cache and written to it. */
  promptTokens: number;
  /** Every completion token billed, reasoning included. */
  completionTokens: number;
  totalTokens: number;
  /** Prompt tokens served from the provider's cache, when it reports them (part of `promptTokens`). */
  cachedPromptTokens?: number;
  /** Prompt tokens written to the provider's cache (Anthropic's cache creation; part of `promptTokens`). */
  cacheWritePromptTokens?: number;
  /** Completion tokens spent on reasoning, when the provider reports them (part of `completionTokens`). */
  reasoningTokens?: number;
  /** Web searches a server-side tool made (billed per search by Anthropic). */
  webSearchRequests?: number;
  /**
   * Per-step usage, when the provider reports it. Anthropic's `compaction` steps are not part of
   * the totals above (the provider bills them apart); `estimatedCost` includes them.
   */
  iterations?: UsageIteration[];
  /**
   * What the call cost, in US dollars, from the model's prices (see `setModelPrices`). Absent when
   * the model's prices are unknown — never 0 for "unknown".
   */
  estimatedCost?: number;
}

/**
 * Why the model stopped: normalised across providers; `metadata.rawFinishReason` keeps the original.
 * `"refusal"`: the model declined to answer (OpenAI's `refusal`, Anthropic's `stop_reason: "refusal"`).
 */
export type FinishReason = "stop" | "length" | "tool_calls" | "content_filter" | "refusal" | "other";

/** A model a fallback chain tried, or skipped, before the one that answered. */
export interface FallbackAttempt {
  provider: string;
  model: string;
  /** "failed": it failed before its first chunk; "cooling-down": skipped, it failed a moment ago. */
  outcome: "failed" | "cooling-down";
  /** Why it failed (the error's message; keys are never in it). */
  error?: string;
}

export interface LLMMetadata {
  provider: string;
  /** The model that answered, as the provider reported it (may be more specific than the one asked for). */
  model: string;
  responseId?: string;
  requestId?: string;
  rawFinishReason?: string;
  /** Retries spent before the call succeeded. */
  retries: number;
  /** Set when a fallback chain answered: the models that failed or were skipped first, in order. */
  fallbackAttempts?: FallbackAttempt[];
  /** Set when structured output needed repair calls (`repair`): how many were made. */
  outputRepairs?: number;
}

export interface GenerateResult<T = string> {
  /**
   * The answer as the caller asked for it: the validated object of the output schema (structured
   * output), else the text (`content`).
   */
  output: T;
  /** The answer as a user should read it: the text, and the refusal text when the model refused. */
  content: string;
  /** The reasoning text, when the provider returned it; otherwise `null`. */
  reasoning: string | null;
  /** `null` unless the model refused (`finishReason: "refusal"`); then its explanation, which may be "". */
  refusal: string | null;
  toolCalls: ToolCall[];
  usage: Usage | null;
  finishReason: FinishReason | null;
  metadata: LLMMetadata;
}

/** What a call that failed part-way had received: attached to the error as `error.partial`. */
export type PartialResult = Omit<GenerateResult<unknown>, "output">;

export function createUsage(
  promptTokens: number,
  completionTokens: number,
  extra: { cachedPromptTokens?: number | null; cacheWritePromptTokens?: number | null; reasoningTokens?: number | null; webSearchRequests?: number | null } = {},
): Usage {
  const usage: Usage = { promptTokens, completionTokens, totalTokens: promptTokens + completionTokens };
  if (extra.cachedPromptTokens != null) usage.cachedPromptTokens = extra.cachedPromptTokens;
  if (extra.cacheWritePromptTokens != null) usage.cacheWritePromptTokens = extra.cacheWritePromptTokens;
  if (extra.reasoningTokens != null) usage.reasoningTokens = extra.reasoningTokens;
  if (extra.webSearchRequests != null) usage.webSearchRequests = extra.webSearchRequests;
  return usage;
}
