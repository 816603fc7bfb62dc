import { type ToolCall } from "./tool-call";

export interface Usage {
  promptTokens: number;
  completionTokens: number;
  totalTokens: number;
  /** Prompt tokens served from the provider's cache, when it reports them. */
  cachedPromptTokens?: number;
  /** Completion tokens spent on reasoning, when the provider reports them. */
  reasoningTokens?: number;
}

/** Why the model stopped: normalised across providers; `metadata.rawFinishReason` keeps the original. */
export type FinishReason = "stop" | "length" | "tool_calls" | "content_filter" | "other";

export interface LLMMetadata {
  provider: string;
  /** The model that answered, as the provider reported it (may be more specific than the one asked for). */
  model: string;
  responseId?: string;
  requestId?: string;
  rawFinishReason?: string;
  /** Retries spent before the call succeeded. */
  retries: number;
}

export interface GenerateResult {
  content: string;
  /** The reasoning text, when the provider returned it; otherwise `null`. */
  reasoning: string | null;
  toolCalls: ToolCall[];
  usage: Usage | null;
  finishReason: FinishReason | null;
  metadata: LLMMetadata;
}

export function createUsage(promptTokens: number, completionTokens: number, extra: { cachedPromptTokens?: number | null; reasoningTokens?: number | null } = {}): Usage {
  const usage: Usage = { promptTokens, completionTokens, totalTokens: promptTokens + completionTokens };
  if (extra.cachedPromptTokens != null) usage.cachedPromptTokens = extra.cachedPromptTokens;
  if (extra.reasoningTokens != null) usage.reasoningTokens = extra.reasoningTokens;
  return usage;
}
