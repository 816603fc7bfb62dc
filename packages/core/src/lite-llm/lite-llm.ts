import { type LLM, type LLMSettings } from "../llm/llm";
import { defaultModelRegistry } from "./default-model-registry";
import { FallbackLLM } from "./fallback-llm";
import { type ModelRegistry, type ModelSettings, isRoutedModel, markRouted } from "./model-registry";

export interface LiteLLMSettings extends ModelSettings {
  /** Picks the provider: gpt-…, o1…, o3…, o4…, chatgpt-…, openai/…, claude-*, anthropic/…, azure/…, ollama/…, mock/…, or a registered prefix. */
  modelName: string;
  /** Where the name is looked up. Default: the process-wide registry that `registerProvider` adds to. */
  registry?: ModelRegistry | undefined;
  /**
   * Models to ask, in order, when this one fails before its first chunk with a retryable or
   * configuration error (see FallbackLLM). A name is routed like `modelName` and gets this call's
   * retry, timeout and default-option settings, but not its key, base URL, headers or prices (those
   * belong to `modelName`'s provider): for other credentials pass an `LLM` instance.
   */
  fallbacks?: readonly (string | LLM)[] | undefined;
  /** With `fallbacks`: how long a failed model is skipped by later calls, in ms (default 30 000; 0 = never). */
  cooldownMs?: number | undefined;
}

/**
 * `new LiteLLM(settings)`: the provider's own LLM for `settings.modelName`.
 *
 * Why a constructor that returns another object: the name keeps Ragbits' tutorial working as written
 * (`llm = new LiteLLM({ modelName: "gpt-4o-mini" })`), while routing stays routing — what you get is
 * an `OpenAILLM`, `AnthropicLLM`, … (or your registered provider's model), whose own retry, timeout
 * and error path runs, with the settings you passed. With `fallbacks` it is a `FallbackLLM` over
 * such models, which only picks among them. The types say so: the result is typed `LLM`,
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
  function LiteLLM({ modelName, registry = defaultModelRegistry, fallbacks, cooldownMs, ...settings }: LiteLLMSettings): LLM {
    const primary = registry.resolve(modelName, settings);
    if (!fallbacks?.length) return primary;
    const shared: LLMSettings = { defaultOptions: settings.defaultOptions, maxRetries: settings.maxRetries, timeoutMs: settings.timeoutMs, idleTimeoutMs: settings.idleTimeoutMs, retryPolicy: settings.retryPolicy };
    const models = [primary, ...fallbacks.map((fallback) => (typeof fallback === "string" ? registry.resolve(fallback, withoutUndefined(shared)) : fallback))];
    return markRouted(new FallbackLLM(models, { cooldownMs }));
  },
  Symbol.hasInstance,
  { value: isRoutedModel },
) as unknown as LiteLLMConstructor;

/** A model created by `new LiteLLM(...)`: some provider's `LLM`. */
export type LiteLLM = LLM;

function withoutUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, item]) => item !== undefined)) as T;
}
