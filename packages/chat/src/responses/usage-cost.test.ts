import { MockLLM } from "@ragbits/core";
import { createUsageResponse } from "./create-responses";

describe("createUsageResponse carries @ragbits/core's estimated cost", () => {
  const usage = { promptTokens: 2_000_000, completionTokens: 1_000_000 };

  it("sends each call's estimatedCost as estimated_cost, summed per model", async () => {
    const priced = new MockLLM({ modelName: "priced", usage, prices: { input: 0.5, output: 1.5 } });
    const stream = priced.generateStreaming("hi");
    for await (const chunk of stream) void chunk;
    const result = await priced.generateWithMetadata("hi");
    // Each call: 2 MTok × $0.50 + 1 MTok × $1.50 = $2.50.
    expect((await createUsageResponse([stream, result])).content.usage.priced).toMatchObject({ n_requests: 2, estimated_cost: 5, prompt_tokens: 4_000_000 });
  });

  it("keeps the protocol's number for a model without a known price: 0 adds nothing", async () => {
    const unpriced = await new MockLLM({ modelName: "unpriced", usage }).generateWithMetadata("hi");
    expect(unpriced.usage).not.toHaveProperty("estimatedCost");
    expect(createUsageResponse(unpriced).content.usage.unpriced).toMatchObject({ n_requests: 1, estimated_cost: 0 });
  });
});
