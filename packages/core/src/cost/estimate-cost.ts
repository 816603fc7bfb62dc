import { type Usage } from "../llm/llm-result";
import { type ModelPrices, costAt, getModelPrices } from "./model-prices";
import { type PriceCatalogLookup, catalogCost } from "./price-catalog";

export interface CostContext {
  /** The LLM's provider id ("openai", "anthropic", …). */
  provider: string;
  /** The model as the provider reported it, then as it was called; the first with a price counts. */
  models: readonly (string | undefined)[];
  /** Prices given to this model's settings: they win over everything else. */
  prices?: ModelPrices;
  /** How the catalog finds the model; `undefined` keeps the catalog out (local servers, mocks). */
  catalog?: PriceCatalogLookup;
}

/**
 * The cost of `usage` in US dollars: from the model's own `prices` setting, else `setModelPrices`,
 * else the built-in catalog; `undefined` when none knows the model (never 0 for "unknown").
 */
export async function estimateCost(usage: Usage, context: CostContext): Promise<number | undefined> {
  const prices = context.prices ?? getModelPrices(context.provider, ...context.models);
  if (prices) return costAt(usage, prices);
  if (!context.catalog) return undefined;
  return catalogCost(usage, context.models, context.catalog);
}

/** `usage` with `estimatedCost` set (a copy), or as it is when its cost is unknown. */
export async function withEstimatedCost(usage: Usage | null, context: CostContext): Promise<Usage | null> {
  if (!usage) return usage;
  const { estimatedCost: _previous, ...counts } = usage;
  const cost = await estimateCost(counts, context);
  return cost === undefined ? counts : { ...counts, estimatedCost: cost };
}
