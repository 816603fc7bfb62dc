export type ProviderId = "openai" | "anthropic" | "azure" | "ollama" | "mock";

export interface ResolvedModel {
  provider: ProviderId;
  /** The model name the provider knows (the prefix removed). */
  model: string;
}

const PREFIXES: Record<string, ProviderId> = {
  "openai/": "openai",
  "anthropic/": "anthropic",
  "azure/": "azure",
  "ollama/": "ollama",
  "ollama_chat/": "ollama",
  "mock/": "mock",
};

const BARE_NAMES: Array<[RegExp, ProviderId]> = [
  [/^(gpt-|chatgpt-|o1|o3|o4)/, "openai"],
  [/^claude-/, "anthropic"],
];

export const SUPPORTED_MODEL_NAMES = "gpt-*, o1*, o3*, o4*, chatgpt-*, openai/<model>, claude-*, anthropic/<model>, azure/<deployment>, ollama/<model>, mock/<name>";

/** Which provider serves a model name, LiteLLM-style; `undefined` when the name says nothing we know. */
export function resolveModel(modelName: string): ResolvedModel | undefined {
  for (const [prefix, provider] of Object.entries(PREFIXES)) {
    if (modelName.startsWith(prefix)) return { provider, model: modelName.slice(prefix.length) };
  }
  for (const [pattern, provider] of BARE_NAMES) {
    if (pattern.test(modelName)) return { provider, model: modelName };
  }
  return undefined;
}
