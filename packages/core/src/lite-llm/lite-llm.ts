import { LLMConfigurationError, type LLMError, type LLMErrorContext } from "../errors/llm-error";
import { LLM, type LLMSettings } from "../llm/llm";
import { type LLMRequest, type ProviderGenerateResult } from "../llm/llm-request";
import { type StreamPart } from "../llm/stream-part";
import { MockLLM } from "../mock/mock-llm";
import { AnthropicLLM } from "../providers/anthropic/anthropic-llm";
import { AzureOpenAILLM } from "../providers/azure/azure-openai-llm";
import { OllamaLLM } from "../providers/ollama/ollama-llm";
import { OpenAILLM } from "../providers/openai/openai-llm";
import { type ResolvedModel, SUPPORTED_MODEL_NAMES, resolveModel } from "./resolve-model";

export interface LiteLLMSettings extends LLMSettings {
  /** Picks the provider: gpt-…, o1…, o3…, o4…, chatgpt-…, openai/…, claude-*, anthropic/…, azure/…, ollama/…, mock/…. */
  modelName: string;
  /** Overrides the provider's API-key environment variable. */
  apiKey?: string;
  /** Overrides the provider's base URL (OpenAI-compatible server, Azure endpoint, Ollama host). */
  baseUrl?: string;
  /** Azure OpenAI API version. */
  apiVersion?: string;
  /** Extra HTTP headers sent with every request. */
  headers?: Record<string, string>;
}

/**
 * One entry point for every provider (the name is Ragbits'): the model name chooses the provider,
 * the environment supplies keys and URLs, constructor arguments override the environment.
 * Configuration problems surface on first use, never at construction or import.
 */
export class LiteLLM extends LLM {
  private readonly settings: LiteLLMSettings;
  private readonly resolved: ResolvedModel | undefined;
  private delegate: LLM | undefined;

  constructor(settings: LiteLLMSettings) {
    super(settings.modelName, settings);
    this.settings = settings;
    this.resolved = resolveModel(settings.modelName);
  }

  get provider(): string {
    return this.resolved?.provider ?? "unknown";
  }

  doGenerate(request: LLMRequest, signal: AbortSignal): Promise<ProviderGenerateResult> {
    return this.provide().doGenerate(request, signal);
  }

  doStream(request: LLMRequest, signal: AbortSignal): AsyncIterable<StreamPart> {
    return this.provide().doStream(request, signal);
  }

  override mapError(error: unknown): LLMError {
    return this.delegate ? this.delegate.mapError(error) : super.mapError(error);
  }

  protected override errorContext(): LLMErrorContext {
    return { provider: this.provider, model: this.resolved?.model ?? this.modelName };
  }

  /** The provider model behind this name, created on first use. */
  private provide(): LLM {
    this.delegate ??= this.createDelegate();
    return this.delegate;
  }

  private createDelegate(): LLM {
    const { resolved, settings } = this;
    if (!resolved) {
      throw new LLMConfigurationError({ ...this.errorContext(), message: `unknown model name "${settings.modelName}": use one of ${SUPPORTED_MODEL_NAMES}` });
    }
    // Retries, timeouts and default options are applied by this LiteLLM; the delegate only translates.
    const common = { modelName: resolved.model, headers: settings.headers };
    switch (resolved.provider) {
      case "openai":
        return new OpenAILLM({ ...common, apiKey: settings.apiKey, baseUrl: settings.baseUrl });
      case "anthropic":
        return new AnthropicLLM({ ...common, apiKey: settings.apiKey, baseUrl: settings.baseUrl });
      case "azure":
        return new AzureOpenAILLM({ ...common, apiKey: settings.apiKey, endpoint: settings.baseUrl, apiVersion: settings.apiVersion });
      case "ollama":
        return new OllamaLLM({ ...common, host: settings.baseUrl });
      case "mock":
        return new MockLLM({ modelName: resolved.model });
    }
  }
}
