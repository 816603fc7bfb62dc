import { type FinishReason, type Usage } from "./llm-result";
import { type ToolCall } from "./tool-call";

/**
 * What a provider adapter's `doStream` yields: the provider's stream translated into one vocabulary.
 * The LLM base class turns parts into what callers see (text strings, ToolCall and Reasoning items,
 * and the totals on the stream object).
 */
export type StreamPart =
  | { type: "text"; text: string }
  | { type: "reasoning"; text: string }
  /** The model declined: its explanation ("" when the provider gives none). The finish part that follows says "refusal". */
  | { type: "refusal"; text: string }
  | { type: "tool-call"; toolCall: ToolCall }
  /** Usage so far; a later usage part replaces an earlier one (providers report cumulative figures). */
  | { type: "usage"; usage: Usage }
  | { type: "response-metadata"; responseId?: string; model?: string; requestId?: string }
  | { type: "finish"; finishReason: FinishReason; rawFinishReason?: string };
