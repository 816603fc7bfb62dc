import { LLMConfigurationError } from "../errors/llm-error";
import { AnthropicMockServer, OllamaMockServer, OpenAIMockServer } from "../testing";
import { LiteLLM } from "./lite-llm";
import { resolveModel } from "./resolve-model";

const ENV_KEYS = ["OPENAI_API_KEY", "OPENAI_BASE_URL", "ANTHROPIC_API_KEY", "ANTHROPIC_BASE_URL", "AZURE_API_KEY", "AZURE_API_BASE", "AZURE_API_VERSION", "AZURE_OPENAI_API_KEY", "AZURE_OPENAI_ENDPOINT", "OLLAMA_HOST"];
const savedEnv = { ...process.env };
beforeEach(() => {
  for (const key of ENV_KEYS) delete process.env[key];
});
afterAll(() => {
  process.env = savedEnv;
});

describe("resolveModel", () => {
  it.each([
    ["gpt-4o-mini", "openai", "gpt-4o-mini"],
    ["o3-mini", "openai", "o3-mini"],
    ["chatgpt-4o-latest", "openai", "chatgpt-4o-latest"],
    ["openai/Qwen/Qwen2.5-7B", "openai", "Qwen/Qwen2.5-7B"],
    ["claude-3-5-haiku-latest", "anthropic", "claude-3-5-haiku-latest"],
    ["anthropic/claude-sonnet-4-5", "anthropic", "claude-sonnet-4-5"],
    ["azure/my-gpt4o", "azure", "my-gpt4o"],
    ["ollama/llama3.2", "ollama", "llama3.2"],
    ["mock/echo", "mock", "echo"],
  ])("routes %s to %s", (name, provider, model) => {
    expect(resolveModel(name)).toEqual({ provider, model });
  });

  it("knows nothing of other names", () => {
    expect(resolveModel("llama3")).toBeUndefined();
  });
});

describe("LiteLLM configuration errors", () => {
  it("constructs without any configuration and reports problems on first use", async () => {
    const llm = new LiteLLM({ modelName: "banana-7b" });
    await expect(llm.generate("hi")).rejects.toThrow(LLMConfigurationError);
    await expect(llm.generate("hi")).rejects.toThrow(/unknown model name "banana-7b".*openai\/<model>/);
  });

  it.each([
    ["gpt-4o-mini", /OPENAI_API_KEY/],
    ["claude-3-5-haiku-latest", /ANTHROPIC_API_KEY/],
    ["azure/dep", /AZURE_API_KEY .* and AZURE_API_BASE/],
  ])("says what to set when %s has no key", async (modelName, hint) => {
    const stream = new LiteLLM({ modelName }).generateStreaming("hi");
    const failure = (async () => {
      for await (const _ of stream) void _;
    })();
    await expect(failure).rejects.toBeInstanceOf(LLMConfigurationError);
    await expect(new LiteLLM({ modelName }).generate("hi")).rejects.toThrow(hint);
  });
});

describe("LiteLLM routing against loopback upstreams", () => {
  it("reads the key and base URL from the environment, and constructor arguments win over it", async () => {
    const server = await OpenAIMockServer.start({ apiKey: "sk-from-constructor-123" });
    try {
      process.env.OPENAI_API_KEY = "sk-from-env-456789";
      process.env.OPENAI_BASE_URL = server.url;
      await expect(new LiteLLM({ modelName: "gpt-4o-mini", maxRetries: 0 }).generate("hi")).rejects.toThrow(/status 401/);
      const answer = await new LiteLLM({ modelName: "gpt-4o-mini", apiKey: "sk-from-constructor-123" }).generate("hi");
      expect(answer).toBe("Hello from the mock upstream.");
      expect(server.lastRequest!.headers.authorization).toBe("Bearer sk-from-constructor-123");
    } finally {
      await server.close();
    }
  });

  it("serves an OpenAI-compatible server without a key when a base URL is given", async () => {
    const server = await OpenAIMockServer.start();
    try {
      const llm = new LiteLLM({ modelName: "openai/Qwen/Qwen2.5-7B-Instruct", baseUrl: server.url });
      expect(await llm.generate("hi")).toBe("Hello from the mock upstream.");
      expect(server.lastRequest!.body.model).toBe("Qwen/Qwen2.5-7B-Instruct");
      expect(llm.provider).toBe("openai");
    } finally {
      await server.close();
    }
  });

  it("routes azure/<deployment> to the deployment URL with api-version and api-key", async () => {
    const server = await OpenAIMockServer.start({ apiKey: "azure-key-0123456789" });
    try {
      process.env.AZURE_API_KEY = "azure-key-0123456789";
      process.env.AZURE_API_BASE = server.origin;
      process.env.AZURE_API_VERSION = "2025-01-01-preview";
      const chunks: string[] = [];
      for await (const chunk of new LiteLLM({ modelName: "azure/prod-gpt4o" }).generateStreaming("hi")) chunks.push(chunk);
      expect(chunks.join("")).toBe("Hello from the mock upstream.");
      expect(server.lastRequest!.path).toBe("/openai/deployments/prod-gpt4o/chat/completions");
      expect(server.lastRequest!.query["api-version"]).toBe("2025-01-01-preview");
      expect(server.lastRequest!.headers["api-key"]).toBe("azure-key-0123456789");
    } finally {
      await server.close();
    }
  });

  it("routes claude-* to Anthropic and ollama/<m> to OLLAMA_HOST", async () => {
    const anthropic = await AnthropicMockServer.start();
    const ollama = await OllamaMockServer.start();
    try {
      process.env.ANTHROPIC_API_KEY = "sk-ant-test-000000";
      process.env.ANTHROPIC_BASE_URL = anthropic.url;
      process.env.OLLAMA_HOST = ollama.url;
      expect(await new LiteLLM({ modelName: "claude-3-5-haiku-latest" }).generate("hi")).toBe("Hello from the mock upstream.");
      expect(anthropic.lastRequest!.body.model).toBe("claude-3-5-haiku-latest");
      expect(await new LiteLLM({ modelName: "ollama/llama3.2" }).generate("hi")).toBe("Hello from the mock upstream.");
      expect(ollama.lastRequest!.body.model).toBe("llama3.2");
    } finally {
      await anthropic.close();
      await ollama.close();
    }
  });

  it("routes mock/<name> to MockLLM", async () => {
    expect(await new LiteLLM({ modelName: "mock/echo" }).generate("offline echo")).toBe("offline echo");
  });
});
