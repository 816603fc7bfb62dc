import { type ChatFormat } from "../prompt/chat-format";
import { type LLMMetadata, type GenerateResult } from "./llm-result";
import { type LLMOptions } from "./llm-options";
import { type OutputRequest } from "../structured-output/output-request";
import { type Tool, type ToolChoice } from "./tool-call";

/** One normalised call, as a provider adapter receives it. */
export interface LLMRequest {
  messages: ChatFormat;
  /** Instance defaults with the call's options merged over them. */
  options: LLMOptions;
  tools?: readonly Tool[];
  toolChoice?: ToolChoice;
  /** Structured output: the JSON Schema the answer must follow, and how to ask for it. */
  output?: OutputRequest;
}

/**
 * What a provider adapter's `doGenerate` returns; the base class completes the metadata, prices the
 * usage and appends the refusal text (kept apart here) to `content`.
 */
export type ProviderGenerateResult = Omit<GenerateResult, "metadata" | "refusal" | "output"> & {
  refusal?: string | null;
  metadata: Partial<Omit<LLMMetadata, "provider" | "retries">>;
};
