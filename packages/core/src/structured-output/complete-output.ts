import { LLMError, type LLMErrorContext, LLMOutputParsingError } from "../errors/llm-error";
import { type LLMRequest } from "../llm/llm-request";
import { type GenerateResult, type PartialResult, type Usage } from "../llm/llm-result";
import { sumUsage } from "../llm/sum-usage";
import { parseOutput } from "./parse-output";
import { repairMessages } from "./repair";

export interface CompleteOutputDeps {
  /** Repair calls allowed after the first answer. */
  repairs: number;
  context: LLMErrorContext;
  /** One more call, through the model's own retry/timeout/abort path. */
  generate(request: LLMRequest): Promise<PartialResult>;
}

/**
 * A structured answer, parsed and validated. When it does not match and repairs are allowed, the
 * model is shown its answer and what was wrong, and asked again; the usage (and cost) of every
 * attempt is added up. A model that answered with tool calls instead has no output (`undefined`).
 */
export async function completeOutput(request: LLMRequest, first: PartialResult, deps: CompleteOutputDeps): Promise<GenerateResult<unknown>> {
  const output = request.output!;
  let result = first;
  let usage: Usage | null = first.usage;
  let messages = request.messages;
  for (let repairs = 0; ; repairs++) {
    const metadata = repairs ? { ...result.metadata, outputRepairs: repairs } : result.metadata;
    if (result.toolCalls.length > 0 && result.content.trim() === "") return { ...result, usage, metadata, output: undefined };
    try {
      const value = await parseOutput(result.content, output, deps.context, result.finishReason);
      return { ...result, usage, metadata, output: value };
    } catch (error) {
      if (LLMError.isInstance(error)) error.partial = { ...result, usage, metadata };
      if (!LLMOutputParsingError.isInstance(error) || repairs >= deps.repairs) throw error;
      messages = repairMessages(messages, error);
      try {
        result = await deps.generate({ ...request, messages });
      } catch (failure) {
        // The repair call itself failed: its error, with what the earlier attempts cost.
        if (LLMError.isInstance(failure) && failure.partial) failure.partial = { ...failure.partial, usage: sumUsage([usage, failure.partial.usage]) };
        throw failure;
      }
      usage = sumUsage([usage, result.usage]);
    }
  }
}
