import { MockLLM } from "../mock/mock-llm";
import { costAt, getModelPrices, setModelPrices } from "./model-prices";

describe("costAt", () => {
  it("prices each kind of token at its own rate, per million tokens", () => {
    const prices = { input: 3, cachedInput: 0.3, cacheWrite: 3.75, output: 15 };
    // 10 000 uncached × $3 + 50 000 cache reads × $0.30 + 4 000 cache writes × $3.75 + 2 000 output × $15.
    expect(costAt({ promptTokens: 64_000, cachedPromptTokens: 50_000, cacheWritePromptTokens: 4_000, completionTokens: 2_000, totalTokens: 66_000 }, prices)).toBeCloseTo(0.03 + 0.015 + 0.015 + 0.03, 12);
  });

  it("bills reasoning as output unless it has a price of its own; cache rates default to the input rate", () => {
    const usage = { promptTokens: 1_000, cachedPromptTokens: 500, completionTokens: 1_000, reasoningTokens: 800, totalTokens: 2_000 };
    expect(costAt(usage, { input: 2, output: 10 })).toBeCloseTo(0.002 + 0.01, 12);
    expect(costAt(usage, { input: 2, output: 10, reasoning: 20 })).toBeCloseTo(0.002 + 0.002 + 0.016, 12);
  });

  it("adds web searches and compaction steps (billed apart from the totals)", () => {
    const usage = { promptTokens: 1_000, completionTokens: 100, totalTokens: 1_100, webSearchRequests: 3, iterations: [{ type: "compaction", promptTokens: 20_000, completionTokens: 2_000 }, { type: "message", promptTokens: 1_000, completionTokens: 100 }] };
    expect(costAt(usage, { input: 1, output: 5, webSearch: 0.01 })).toBeCloseTo(0.001 + 0.0005 + 0.03 + 0.02 + 0.01, 12);
  });
});

describe("setModelPrices", () => {
  afterEach(() => {
    setModelPrices("my-model", null);
    setModelPrices("ollama/llama3.2", null);
  });

  it("is found by the name as called or as reported, with or without the provider in front", () => {
    setModelPrices("ollama/llama3.2", { input: 0, output: 0 });
    setModelPrices("my-model", { input: 1, output: 2 });
    expect(getModelPrices("ollama", "llama3.2:latest", "llama3.2")).toEqual({ input: 0, output: 0 });
    expect(getModelPrices("openai", "my-model-2026-01-01", "my-model")).toEqual({ input: 1, output: 2 });
    expect(getModelPrices("openai", "other")).toBeUndefined();
  });

  it("rejects prices that are not non-negative numbers, and requires input and output", () => {
    expect(() => setModelPrices("my-model", { input: -1, output: 2 })).toThrow(/input must be a non-negative number/);
    expect(() => setModelPrices("my-model", { input: 1, output: Number.NaN })).toThrow(/output must be/);
    expect(() => setModelPrices("my-model", { input: 1 } as never)).toThrow(/input and output prices are required/);
  });

  it("prices every result and stream of a model, and a free model costs 0 (not 'unknown')", async () => {
    const llm = new MockLLM({ modelName: "my-model", usage: { promptTokens: 1_000_000, completionTokens: 500_000 } });
    expect((await llm.generateWithMetadata("hi")).usage).not.toHaveProperty("estimatedCost");
    setModelPrices("my-model", { input: 1, output: 2 });
    expect((await llm.generateWithMetadata("hi")).usage?.estimatedCost).toBe(2);
    const stream = llm.generateStreaming("hi");
    expect((await stream.usage)?.estimatedCost).toBe(2);
    setModelPrices("my-model", { input: 0, output: 0 });
    expect((await llm.generateWithMetadata("hi")).usage?.estimatedCost).toBe(0);
  });
});
