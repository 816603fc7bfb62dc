import { LLMAbortedError, MockLLM } from "@ragbits/core";
import { createUsageResponse } from "./create-responses";

const USAGE = { promptTokens: 5, completionTokens: 3 };

describe("createUsageResponse", () => {
  it("reports a finished LLMStream from its totals", async () => {
    const stream = new MockLLM({ modelName: "mock-a", usage: USAGE }).generateStreaming("hello there");
    for await (const chunk of stream) void chunk;
    expect(await createUsageResponse(stream)).toEqual({
      type: "usage",
      content: { usage: { "mock-a": { n_requests: 1, estimated_cost: 0, prompt_tokens: 5, completion_tokens: 3, total_tokens: 8 } } },
    });
  });

  it("cannot report an unread stream as nothing: it reads the stream for its usage", async () => {
    const llm = new MockLLM({ modelName: "mock-a", usage: USAGE });
    const response = await createUsageResponse(llm.generateStreaming("never iterated"));
    expect(response.content.usage).toEqual({ "mock-a": { n_requests: 1, estimated_cost: 0, prompt_tokens: 5, completion_tokens: 3, total_tokens: 8 } });
    expect(llm.calls).toHaveLength(1);
  });

  it("fails, instead of reporting nothing, for a stream whose loop stopped early", async () => {
    const stream = new MockLLM({ response: "one two three" }).generateStreaming("x");
    for await (const chunk of stream) {
      void chunk;
      break;
    }
    await expect(createUsageResponse(stream)).rejects.toBeInstanceOf(LLMAbortedError);
  });

  it("adds streams and results known now per model", async () => {
    const first = new MockLLM({ modelName: "mock-a", usage: USAGE }).generateStreaming("a");
    for await (const chunk of first) void chunk;
    const result = await new MockLLM({ modelName: "mock-a", usage: { promptTokens: 1, completionTokens: 1 } }).generateWithMetadata("b");
    const other = await new MockLLM({ modelName: "mock-b", usage: { promptTokens: 2, completionTokens: 2 } }).generateWithMetadata("c");
    expect((await createUsageResponse([first, result, other])).content.usage).toEqual({
      "mock-a": { n_requests: 2, estimated_cost: 0, prompt_tokens: 6, completion_tokens: 4, total_tokens: 10 },
      "mock-b": { n_requests: 1, estimated_cost: 0, prompt_tokens: 2, completion_tokens: 2, total_tokens: 4 },
    });
  });

  it("stays synchronous for usage known now", () => {
    expect(createUsageResponse({ promptTokens: 3, completionTokens: 2, totalTokens: 5 }, "gpt-4o-mini")).toEqual({
      type: "usage",
      content: { usage: { "gpt-4o-mini": { n_requests: 1, estimated_cost: 0, prompt_tokens: 3, completion_tokens: 2, total_tokens: 5 } } },
    });
    const records = { "gpt-4o": { n_requests: 2, estimated_cost: 0.01, prompt_tokens: 10, completion_tokens: 5, total_tokens: 15 } };
    expect(createUsageResponse(records).content.usage).toEqual(records);
  });
});
