import { type LLM } from "../llm/llm";
import { defaultModelRegistry } from "./default-model-registry";
import { type ModelRegistry, type ModelSettings, isRoutedModel } from "./model-registry";

export interface LiteLLMSettings extends ModelSettings {
  /** Picks the provider: gpt-…, o1…, o3…, o4…, chatgpt-…, openai/…, claude-*, anthropic/…, azure/…, ollama/…, mock/…, or a registered prefix. */
  modelName: string;
  /** Where the name is looked up. Default: the process-wide registry that `registerProvider` adds to. */
  registry?: ModelRegistry;
}

/**
 * `new LiteLLM(settings)`: the provider's own LLM for `settings.modelName`.
 *
 * Why a constructor that returns another object: the name keeps Ragbits' tutorial working as written
 * (`llm = new LiteLLM({ modelName: "gpt-4o-mini" })`), while routing stays routing — what you get is
 * an `OpenAILLM`, `AnthropicLLM`, … (or your registered provider's model), whose own retry, timeout
 * and error path runs, with the settings you passed. The types say so: the result is typed `LLM`,
 * and `LiteLLM` as a type is `LLM`. `x instanceof LiteLLM` is true for models created by routing.
 */
export interface LiteLLMConstructor {
  new (settings: LiteLLMSettings): LLM;
}

/**
 * One entry point for every provider (the name is Ragbits'): the model name chooses the provider,
 * the environment supplies keys and URLs, constructor arguments override the environment.
 * Configuration problems (an unknown name, a missing key or SDK) surface on first use, never at
 * construction or import.
 */
export const LiteLLM: LiteLLMConstructor = Object.defineProperty(
  function LiteLLM({ modelName, registry = defaultModelRegistry, ...settings }: LiteLLMSettings): LLM {
    return registry.resolve(modelName, settings);
  },
  Symbol.hasInstance,
  { value: isRoutedModel },
) as unknown as LiteLLMConstructor;

/** A model created by `new LiteLLM(...)`: some provider's `LLM`. */
export type LiteLLM = LLM;
