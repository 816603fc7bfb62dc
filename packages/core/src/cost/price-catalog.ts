import { type Usage } from "../llm/llm-result";

/** Where the catalog looks a model up: a provider id it knows, or the API's base URL. */
export interface PriceCatalogLookup {
  providerId?: string;
  providerApiUrl?: string;
}

/** The slice of @pydantic/genai-prices used here. */
interface GenaiPrices {
  calcPrice(usage: Record<string, number | undefined>, model: string, options: PriceCatalogLookup): { total_price: number } | null;
}

let catalog: Promise<GenaiPrices | null> | undefined;

/**
 * The built-in price catalog: @pydantic/genai-prices (an optional peer, maintained by the Pydantic
 * team from the providers' published prices, with cache, reasoning and long-context tiers). It is
 * loaded once, on the first call that needs a price; without it only `setModelPrices` prices exist.
 */
function loadCatalog(): Promise<GenaiPrices | null> {
  catalog ??= import("@pydantic/genai-prices").then(
    (module) => module as unknown as GenaiPrices,
    (error: { code?: string }) => {
      // Not installed: no catalog. Anything else (a broken install) should not go unnoticed.
      if (error?.code === "MODULE_NOT_FOUND" || error?.code === "ERR_MODULE_NOT_FOUND") return null;
      throw error;
    },
  );
  return catalog;
}

/** The catalog's price of `usage`, in US dollars, or `undefined` when it has no price for the model. */
export async function catalogCost(usage: Usage, models: readonly (string | undefined)[], lookup: PriceCatalogLookup): Promise<number | undefined> {
  const prices = await loadCatalog();
  if (!prices || (!lookup.providerId && !lookup.providerApiUrl)) return undefined;
  const units = {
    // The catalog's input_tokens is every prompt token, cache reads and writes included (as ours).
    input_tokens: usage.promptTokens,
    cache_read_tokens: usage.cachedPromptTokens,
    cache_write_tokens: usage.cacheWritePromptTokens,
    output_tokens: usage.completionTokens,
    output_reasoning_tokens: usage.reasoningTokens,
    web_searches: usage.webSearchRequests,
  };
  for (const model of models) {
    if (!model) continue;
    const result = prices.calcPrice(units, model, lookup);
    if (!result) continue;
    let total = result.total_price;
    // Compaction steps are billed apart from the totals (Anthropic); price them at the same model.
    for (const step of usage.iterations ?? []) {
      if (step.type !== "compaction") continue;
      const stepUnits = { input_tokens: step.promptTokens, cache_read_tokens: step.cachedPromptTokens, cache_write_tokens: step.cacheWritePromptTokens, output_tokens: step.completionTokens };
      total += prices.calcPrice(stepUnits, model, lookup)?.total_price ?? 0;
    }
    return total;
  }
  return undefined;
}
