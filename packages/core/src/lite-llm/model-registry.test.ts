import { LLMConfigurationError, LLMTimeoutError } from "../errors/llm-error";
import { LLMRateLimitError } from "../errors/llm-status-error";
import { MockLLM } from "../mock/mock-llm";
import { AnthropicLLM } from "../providers/anthropic/anthropic-llm";
import { AzureOpenAILLM } from "../providers/azure/azure-openai-llm";
import { OllamaLLM } from "../providers/ollama/ollama-llm";
import { OpenAILLM } from "../providers/openai/openai-llm";
import { OpenAIMockServer } from "../testing";
import { createModelRegistry, registerProvider } from "./default-model-registry";
import { LiteLLM } from "./lite-llm";

const KEY = "sk-registry-test-0123456789";

async function drain(stream: AsyncIterable<unknown>): Promise<unknown> {
  try {
    for await (const _ of stream) void _;
    return undefined;
  } catch (error) {
    return error;
  }
}

describe("new LiteLLM(...) routes to the provider's own LLM", () => {
  it.each([
    ["gpt-4o-mini", OpenAILLM, "openai", "gpt-4o-mini"],
    ["openai/Qwen/Qwen2.5-7B", OpenAILLM, "openai", "Qwen/Qwen2.5-7B"],
    ["claude-3-5-haiku-latest", AnthropicLLM, "anthropic", "claude-3-5-haiku-latest"],
    ["azure/prod-gpt4o", AzureOpenAILLM, "azure", "prod-gpt4o"],
    ["ollama/llama3.2", OllamaLLM, "ollama", "llama3.2"],
    ["mock/echo", MockLLM, "mock", "echo"],
  ])("%s is a %p", (modelName, type, provider, model) => {
    const llm = new LiteLLM({ modelName, maxRetries: 4, timeoutMs: 1_234, idleTimeoutMs: 567 });
    expect(llm).toBeInstanceOf(type);
    expect([llm.provider, llm.modelName]).toEqual([provider, model]);
    // The settings went to the provider's model: its own retry and timeout path applies them.
    expect([llm.maxRetries, llm.timeoutMs, llm.idleTimeoutMs]).toEqual([4, 1_234, 567]);
  });

  it("answers instanceof LiteLLM for routed models only", () => {
    expect(new LiteLLM({ modelName: "gpt-4o-mini" })).toBeInstanceOf(LiteLLM);
    expect(new LiteLLM({ modelName: "no-such-model" })).toBeInstanceOf(LiteLLM);
    expect(new OpenAILLM({ modelName: "gpt-4o-mini" })).not.toBeInstanceOf(LiteLLM);
    expect(new MockLLM()).not.toBeInstanceOf(LiteLLM);
  });
});

describe("the provider's retries, timeouts, default options and error mapping, with LiteLLM's settings", () => {
  let server: OpenAIMockServer;
  beforeAll(async () => {
    server = await OpenAIMockServer.start({ apiKey: KEY });
  });
  afterAll(() => server.close());
  beforeEach(() => {
    server.requests.length = 0;
  });

  const settings = { modelName: "gpt-4o-mini", apiKey: KEY, retryPolicy: { initialDelayMs: 5, maxDelayMs: 10 } };

  it("retries as many times as maxRetries says, and sends the default options", async () => {
    server.enqueue({ status: 500, errorMessage: "boom" }, { text: ["ok"] });
    const llm = new LiteLLM({ ...settings, baseUrl: server.url, maxRetries: 1, defaultOptions: { temperature: 0.2 } });
    const result = await llm.generateWithMetadata("hi");
    expect([result.content, result.metadata.retries, server.requests.length]).toEqual(["ok", 1, 2]);
    expect(server.lastRequest!.body.temperature).toBe(0.2);

    server.enqueue({ status: 500, errorMessage: "boom" });
    await expect(new LiteLLM({ ...settings, baseUrl: server.url, maxRetries: 0 }).generate("hi")).rejects.toMatchObject({ statusCode: 500 });
    expect(server.requests).toHaveLength(3);
  });

  it("times out with timeoutMs", async () => {
    server.enqueue({ fault: "stall-before-first-byte" });
    const error = await drain(new LiteLLM({ ...settings, baseUrl: server.url, maxRetries: 0, timeoutMs: 150 }).generateStreaming("hi"));
    expect(error).toBeInstanceOf(LLMTimeoutError);
    expect((error as Error).message).toBe("openai (gpt-4o-mini): no response within 150 ms (timeoutMs)");
  });

  it("maps the provider's errors with the provider's own classification", async () => {
    server.enqueue({ status: 429, errorMessage: "slow down", headers: { "retry-after": "7" } });
    const error = await drain(new LiteLLM({ ...settings, baseUrl: server.url, maxRetries: 0 }).generateStreaming("hi"));
    expect(error).toBeInstanceOf(LLMRateLimitError);
    expect(error).toMatchObject({ provider: "openai", model: "gpt-4o-mini", retryAfterMs: 7_000 });
  });
});

describe("registering providers", () => {
  it("routes a registered prefix to the user's factory, with the prefix removed and the settings passed", async () => {
    const server = await OpenAIMockServer.start({ apiKey: KEY });
    try {
      const created: Array<[string, unknown]> = [];
      registerProvider("groq/", (model, settings) => {
        created.push([model, settings.maxRetries]);
        return new OpenAILLM({ ...settings, modelName: model, baseUrl: server.url });
      });
      const llm = new LiteLLM({ modelName: "groq/llama-3.1-8b-instant", apiKey: KEY, maxRetries: 3 });
      expect(await llm.generate("hi")).toBe("Hello from the mock upstream.");
      expect(created).toEqual([["llama-3.1-8b-instant", 3]]);
      expect(server.lastRequest!.body.model).toBe("llama-3.1-8b-instant");
      // Unknown names now point at the new route too.
      await expect(new LiteLLM({ modelName: "banana-7b" }).generate("hi")).rejects.toThrow(/unknown model name "banana-7b": use one of gpt-\*.*, groq\/<model>$/);
    } finally {
      await server.close();
    }
  });

  it("keeps registries apart, lets a later route override a built-in one, and starts empty on request", async () => {
    const mine = createModelRegistry().register("openai/", (model) => new MockLLM({ modelName: model, response: `routed to ${model}` }));
    expect(await new LiteLLM({ modelName: "openai/anything", registry: mine }).generate("hi")).toBe("routed to anything");
    expect(new LiteLLM({ modelName: "openai/anything" })).toBeInstanceOf(OpenAILLM);

    const bare = createModelRegistry({ builtIns: false }).register(/^local-/, (model) => new MockLLM({ modelName: model }), "local-*");
    expect(new LiteLLM({ modelName: "local-echo", registry: bare })).toBeInstanceOf(MockLLM);
    const unknown = new LiteLLM({ modelName: "gpt-4o-mini", registry: bare });
    await expect(unknown.generate("hi")).rejects.toBeInstanceOf(LLMConfigurationError);
    await expect(unknown.generate("hi")).rejects.toThrow('unknown (gpt-4o-mini): unknown model name "gpt-4o-mini": use one of local-*');
  });
});
