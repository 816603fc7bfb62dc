import { LiteLLM } from "../lite-llm/lite-llm";
import { MockLLM } from "../mock/mock-llm";
import { AnthropicLLM } from "../providers/anthropic/anthropic-llm";
import { AzureOpenAILLM } from "../providers/azure/azure-openai-llm";
import { OllamaLLM } from "../providers/ollama/ollama-llm";
import { OpenAILLM } from "../providers/openai/openai-llm";

const ENV_KEYS = ["OPENAI_API_KEY", "OPENAI_BASE_URL", "ANTHROPIC_API_KEY", "AZURE_API_KEY", "AZURE_API_BASE", "AZURE_OPENAI_API_KEY", "AZURE_OPENAI_ENDPOINT", "OLLAMA_HOST"];
const savedEnv = { ...process.env };
beforeEach(() => {
  for (const key of ENV_KEYS) delete process.env[key];
});
afterAll(() => {
  process.env = savedEnv;
});

describe("llm.configurationProblem(): what a start-up check can know before the first call", () => {
  it.each([
    ["gpt-4o-mini", "openai (gpt-4o-mini): no API key: set the OPENAI_API_KEY environment variable"],
    ["claude-3-5-haiku-latest", "anthropic (claude-3-5-haiku-latest): no API key: set the ANTHROPIC_API_KEY environment variable or pass `apiKey`"],
    ["azure/prod-gpt4o", "azure (prod-gpt4o): Azure OpenAI is not configured: set AZURE_API_KEY (or pass `apiKey`) and AZURE_API_BASE"],
    ["banana-7b", 'unknown (banana-7b): unknown model name "banana-7b": use one of gpt-*'],
  ])("%s without configuration: names the model and what to set", (modelName, expected) => {
    expect(new LiteLLM({ modelName }).configurationProblem()).toContain(expected);
  });

  it("is the message the first call fails with", async () => {
    const llm = new LiteLLM({ modelName: "claude-3-5-haiku-latest" });
    const problem = llm.configurationProblem();
    await expect(llm.generate("hi")).rejects.toThrow(problem!);
  });

  it("is undefined once the key is in the environment or passed, and never contains the key", () => {
    process.env.OPENAI_API_KEY = "sk-env-secret-0123456789";
    expect(new LiteLLM({ modelName: "gpt-4o-mini" }).configurationProblem()).toBeUndefined();
    delete process.env.OPENAI_API_KEY;
    expect(new OpenAILLM({ modelName: "gpt-4o-mini", apiKey: "sk-passed-0123456789" }).configurationProblem()).toBeUndefined();
    expect(new AnthropicLLM({ modelName: "claude-3-5-haiku-latest", apiKey: "sk-ant-passed-0123" }).configurationProblem()).toBeUndefined();
    expect(new AzureOpenAILLM({ modelName: "dep", apiKey: "azure-key-0123456789" }).configurationProblem()).toMatch(/set AZURE_API_BASE/);
    expect(new AzureOpenAILLM({ modelName: "dep", apiKey: "azure-key-0123456789" }).configurationProblem()).not.toContain("azure-key-0123456789");
  });

  it("is undefined for an OpenAI-compatible server given by base URL, Ollama and MockLLM (no key needed)", () => {
    expect(new LiteLLM({ modelName: "openai/qwen", baseUrl: "http://127.0.0.1:1/v1" }).configurationProblem()).toBeUndefined();
    process.env.OPENAI_BASE_URL = "http://127.0.0.1:1/v1";
    expect(new LiteLLM({ modelName: "gpt-4o-mini" }).configurationProblem()).toBeUndefined();
    expect(new OllamaLLM({ modelName: "llama3.2" }).configurationProblem()).toBeUndefined();
    expect(new LiteLLM({ modelName: "mock/echo" }).configurationProblem()).toBeUndefined();
    expect(new MockLLM().configurationProblem()).toBeUndefined();
  });
});
