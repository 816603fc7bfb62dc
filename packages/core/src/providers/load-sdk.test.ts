import { LLMConfigurationError } from "../errors/llm-error";

describe("loading a provider SDK", () => {
  afterEach(() => jest.resetModules());

  it("tells the user which package to install when it is missing, on first use", async () => {
    jest.doMock("openai", () => {
      throw Object.assign(new Error("Cannot find module 'openai' from 'openai-llm.ts'"), { code: "MODULE_NOT_FOUND" });
    });
    const { OpenAILLM } = await import("./openai/openai-llm");
    const llm = new OpenAILLM({ modelName: "gpt-4o-mini", apiKey: "sk-test-000000000" });
    const failure = llm.generate("hi");
    await expect(failure).rejects.toBeInstanceOf(LLMConfigurationError);
    await expect(llm.generate("hi")).rejects.toThrow(/npm install openai@\^6/);
  });

  it("does not call a package that fails to load 'missing'", async () => {
    jest.doMock("ollama", () => {
      throw new Error("native binding exploded");
    });
    const { OllamaLLM } = await import("./ollama/ollama-llm");
    await expect(new OllamaLLM({ modelName: "llama3" }).generate("hi")).rejects.toThrow(/"ollama" package failed to load: native binding exploded/);
  });
});
