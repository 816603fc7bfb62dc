import { type ProviderId } from "./built-in-providers";
import { defaultModelRegistry } from "./default-model-registry";
import { type ModelRegistry } from "./model-registry";

export interface ResolvedModel {
  /** The provider's id (`ProviderId` for the built-in routes; a registered provider's own id otherwise). */
  provider: ProviderId | (string & {});
  /** The model name the provider knows (the prefix removed). */
  model: string;
}

/**
 * Which provider serves a model name, and under which name; `undefined` when no route knows it.
 * Asks the registry itself (creating the model costs nothing: no key is read, no SDK loaded).
 */
export function resolveModel(modelName: string, registry: ModelRegistry = defaultModelRegistry): ResolvedModel | undefined {
  if (!registry.knows(modelName)) return undefined;
  const llm = registry.resolve(modelName);
  return { provider: llm.provider, model: llm.modelName };
}
