import { registerBuiltInProviders } from "./built-in-providers";
import { ModelRegistry, type ProviderFactory } from "./model-registry";

export interface ModelRegistryOptions {
  /** Start with the built-in routes (gpt-*, claude-*, openai/, anthropic/, azure/, ollama/, mock/…). Default true. */
  builtIns?: boolean | undefined;
}

/** A registry of your own, for `new LiteLLM({ modelName, registry })` or `registry.resolve(name, settings)`. */
export function createModelRegistry({ builtIns = true }: ModelRegistryOptions = {}): ModelRegistry {
  const registry = new ModelRegistry();
  return builtIns ? registerBuiltInProviders(registry) : registry;
}

/** The registry `new LiteLLM({ modelName })` routes through unless given another. */
export const defaultModelRegistry: ModelRegistry = createModelRegistry();

/**
 * Adds a route to the default registry, for every `new LiteLLM(...)` of the process:
 * `registerProvider("groq/", (model, settings) => new OpenAILLM({ ...settings, modelName: model, baseUrl: "https://api.groq.com/openai/v1", apiKey: settings.apiKey ?? process.env.GROQ_API_KEY }))`.
 */
export function registerProvider(match: string | RegExp, factory: ProviderFactory, description?: string): ModelRegistry {
  return defaultModelRegistry.register(match, factory, description);
}
