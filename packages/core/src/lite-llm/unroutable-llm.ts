import { LLMConfigurationError } from "../errors/llm-error";
import { LLM, type LLMSettings } from "../llm/llm";
import { type LLMRequest, type ProviderGenerateResult } from "../llm/llm-request";
import { type StreamPart } from "../llm/stream-part";

/**
 * What routing returns for a model name no route knows. Creating it never fails (a class field
 * `llm = new LiteLLM({ modelName })` must not break an import); every call fails with an
 * LLMConfigurationError that says which names would work.
 */
export class UnroutableLLM extends LLM {
  readonly provider: string = "unknown";

  constructor(
    modelName: string,
    settings: LLMSettings,
    private readonly supportedNames: string,
  ) {
    super(modelName, settings);
  }

  doGenerate(_request: LLMRequest, _signal: AbortSignal): Promise<ProviderGenerateResult> {
    return Promise.reject(this.configurationError());
  }

  doStream(_request: LLMRequest, _signal: AbortSignal): AsyncIterable<StreamPart> {
    const error = this.configurationError();
    return { [Symbol.asyncIterator]: () => ({ next: () => Promise.reject(error) }) };
  }

  override configurationProblem(): string {
    return this.configurationError().message;
  }

  private configurationError(): LLMConfigurationError {
    return new LLMConfigurationError({ ...this.errorContext(), message: `unknown model name "${this.modelName}": use one of ${this.supportedNames}` });
  }
}
