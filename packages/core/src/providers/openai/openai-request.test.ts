import { maxTokensFieldFor, toOpenAIRequestBody } from "./openai-request";

describe("OpenAI request body", () => {
  it("uses max_completion_tokens on OpenAI and for reasoning models, max_tokens on compatible servers", () => {
    expect(maxTokensFieldFor("gpt-4o-mini", true)).toBe("max_completion_tokens");
    expect(maxTokensFieldFor("llama3", false)).toBe("max_tokens");
    expect(maxTokensFieldFor("o3-mini", false)).toBe("max_completion_tokens");
  });

  it("drops fields OpenAI would reject from history messages", () => {
    const body = toOpenAIRequestBody(
      { messages: [{ role: "user", content: "hi", extra: { id: 1 } } as never, { role: "assistant", content: null }], options: { reasoningEffort: "low" } },
      { model: "o4-mini", maxTokensField: "max_completion_tokens", providerOptionsKey: "openai" },
    );
    expect(body.messages).toEqual([
      { role: "user", content: "hi" },
      { role: "assistant", content: "" },
    ]);
    expect(body.reasoning_effort).toBe("low");
  });
});
