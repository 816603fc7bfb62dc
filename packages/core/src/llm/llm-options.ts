/**
 * Provider-specific request fields, sent as they are. Keyed by provider so one set of options can
 * serve a model that may be switched between providers.
 */
export interface ProviderOptions {
  openai?: Record<string, unknown> | undefined;
  azure?: Record<string, unknown> | undefined;
  anthropic?: Record<string, unknown> | undefined;
  ollama?: Record<string, unknown> | undefined;
  [provider: string]: Record<string, unknown> | undefined;
}

/** Generation options. Each provider maps them to its own field names; ones it lacks are left out. */
export interface LLMOptions {
  temperature?: number | undefined;
  maxTokens?: number | undefined;
  topP?: number | undefined;
  stop?: string | string[] | undefined;
  seed?: number | undefined;
  frequencyPenalty?: number | undefined;
  presencePenalty?: number | undefined;
  reasoningEffort?: "minimal" | "low" | "medium" | "high" | undefined;
  providerOptions?: ProviderOptions | undefined;
}

/**
 * Per-call options over the instance defaults. An explicit `undefined` leaves the default in place,
 * so `{ temperature: opts.temperature }` never erases a configured value by accident.
 */
export function mergeOptions(defaults: LLMOptions | undefined, overrides: LLMOptions | undefined): LLMOptions {
  const merged: LLMOptions = { ...withoutUndefined(defaults) };
  if (!overrides) return merged;
  for (const [key, value] of Object.entries(overrides) as [keyof LLMOptions, unknown][]) {
    if (value === undefined || key === "providerOptions") continue;
    (merged as Record<string, unknown>)[key] = value;
  }
  if (overrides.providerOptions) {
    const providerOptions: ProviderOptions = { ...defaults?.providerOptions };
    for (const [provider, options] of Object.entries(overrides.providerOptions)) {
      if (options !== undefined) providerOptions[provider] = { ...providerOptions[provider], ...options };
    }
    merged.providerOptions = providerOptions;
  }
  return merged;
}

function withoutUndefined<T extends object>(value: T | undefined): Partial<T> {
  if (!value) return {};
  return Object.fromEntries(Object.entries(value).filter(([, item]) => item !== undefined)) as Partial<T>;
}
