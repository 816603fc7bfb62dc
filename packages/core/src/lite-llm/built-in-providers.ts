import { MockLLM } from "../mock/mock-llm";
import { AnthropicLLM } from "../providers/anthropic/anthropic-llm";
import { AzureOpenAILLM } from "../providers/azure/azure-openai-llm";
import { OllamaLLM } from "../providers/ollama/ollama-llm";
import { OpenAILLM } from "../providers/openai/openai-llm";
import { type ModelRegistry, type ProviderFactory } from "./model-registry";

/** The provider ids of the built-in routes. */
export type ProviderId = "openai" | "anthropic" | "azure" | "ollama" | "mock";

// Every factory hands the LLM settings (retries, timeouts, default options) to the provider's own
// LLM, which applies them. Connection details go where each provider takes them.
const openai: ProviderFactory = (model, settings) => new OpenAILLM({ ...settings, modelName: model });
const anthropic: ProviderFactory = (model, settings) => new AnthropicLLM({ ...settings, modelName: model });
const azure: ProviderFactory = (model, { baseUrl, ...settings }) => new AzureOpenAILLM({ ...settings, modelName: model, endpoint: baseUrl });
const ollama: ProviderFactory = (model, { baseUrl, apiKey: _apiKey, ...settings }) => new OllamaLLM({ ...settings, modelName: model, host: baseUrl });
const mock: ProviderFactory = (model, { apiKey: _apiKey, baseUrl: _baseUrl, headers: _headers, apiVersion: _apiVersion, ...settings }) => new MockLLM({ ...settings, modelName: model });

/** The names @ragbits/core routes out of the box (LiteLLM's conventions), in the order they are listed. */
export function registerBuiltInProviders(registry: ModelRegistry): ModelRegistry {
  return registry
    .register(/^(gpt-|chatgpt-|o1|o3|o4)/, openai, "gpt-*, o1*, o3*, o4*, chatgpt-*")
    .register("openai/", openai)
    .register(/^claude-/, anthropic, "claude-*")
    .register("anthropic/", anthropic)
    .register("azure/", azure, "azure/<deployment>")
    .register("ollama/", ollama)
    .register("ollama_chat/", ollama)
    .register("mock/", mock, "mock/<name>");
}
