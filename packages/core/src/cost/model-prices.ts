import { type Usage } from "../llm/llm-result";

/**
 * A model's prices in US dollars per million tokens, as providers publish them. Reasoning tokens
 * are output tokens unless `reasoning` prices them apart.
 */
export interface ModelPrices {
  /** Prompt tokens neither read from nor written to the cache. */
  input: number;
  output: number;
  /** Prompt tokens read from the cache. Default: `input`. */
  cachedInput?: number;
  /** Prompt tokens written to the cache. Default: `input`. */
  cacheWrite?: number;
  /** Reasoning tokens, where a provider bills them apart from other output. Default: `output`. */
  reasoning?: number;
  /** Per web search a server-side tool made. Default: 0. */
  webSearch?: number;
}

const userPrices = new Map<string, ModelPrices>();

/**
 * Sets (or, with `null`, removes) the prices of a model for the whole process; they win over the
 * built-in catalog. `model` is a name as you call the model (`"gpt-4o-mini"`,
 * `"ollama/llama3.2"`), as the provider reports it (`"gpt-4o-mini-2024-07-18"`), or either with
 * the provider's id in front (`"openai/gpt-4o-mini"`, `"ollama/llama3.2"`).
 */
export function setModelPrices(model: string, prices: ModelPrices | null): void {
  if (prices === null) userPrices.delete(model);
  else userPrices.set(model, validated(model, prices));
}

/** The prices set with `setModelPrices` for a model, looked up as a call does (see there). */
export function getModelPrices(provider: string, ...models: (string | undefined)[]): ModelPrices | undefined {
  for (const model of models) {
    if (!model) continue;
    const prices = userPrices.get(`${provider}/${model}`) ?? userPrices.get(model);
    if (prices) return prices;
  }
  return undefined;
}

/** The cost of `usage` at `prices`, in US dollars. Compaction steps billed apart are included. */
export function costAt(usage: Usage, prices: ModelPrices): number {
  let cost = stepCost(usage, prices) + (usage.webSearchRequests ?? 0) * (prices.webSearch ?? 0);
  for (const step of usage.iterations ?? []) {
    if (step.type === "compaction") cost += stepCost({ ...step, reasoningTokens: 0 }, prices);
  }
  return cost;
}

function stepCost(usage: Pick<Usage, "promptTokens" | "completionTokens" | "cachedPromptTokens" | "cacheWritePromptTokens" | "reasoningTokens">, prices: ModelPrices): number {
  const cached = usage.cachedPromptTokens ?? 0;
  const written = usage.cacheWritePromptTokens ?? 0;
  const reasoning = prices.reasoning === undefined ? 0 : (usage.reasoningTokens ?? 0);
  const dollars =
    (usage.promptTokens - cached - written) * prices.input +
    cached * (prices.cachedInput ?? prices.input) +
    written * (prices.cacheWrite ?? prices.input) +
    (usage.completionTokens - reasoning) * prices.output +
    reasoning * (prices.reasoning ?? prices.output);
  return dollars / 1_000_000;
}

function validated(model: string, prices: ModelPrices): ModelPrices {
  for (const [key, value] of Object.entries(prices)) {
    if (value !== undefined && !(typeof value === "number" && Number.isFinite(value) && value >= 0)) {
      throw new TypeError(`setModelPrices("${model}"): ${key} must be a non-negative number of US dollars per million tokens, not ${String(value)}`);
    }
  }
  if (prices.input === undefined || prices.output === undefined) throw new TypeError(`setModelPrices("${model}"): input and output prices are required`);
  return { ...prices };
}
