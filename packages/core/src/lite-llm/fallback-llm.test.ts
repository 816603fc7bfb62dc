/**
 * Fallbacks through the official SDKs against loopback upstreams: `new LiteLLM({ modelName,
 * fallbacks })` asks the next model only when one fails before its first chunk, after that model's
 * own retries, and skips a model that just failed.
 */
import { setTimeout as sleep } from "node:timers/promises";
import { drain } from "../../test/drain";
import { setModelPrices } from "../cost/model-prices";
import { LLMAbortedError, LLMConfigurationError, LLMConnectionError, type LLMError } from "../errors/llm-error";
import { LLMBadRequestError, LLMStatusError } from "../errors/llm-status-error";
import { OllamaLLM } from "../providers/ollama/ollama-llm";
import { AnthropicMockServer, OllamaMockServer, OpenAIMockServer } from "../testing";
import { FallbackLLM } from "./fallback-llm";
import { LiteLLM } from "./lite-llm";

const KEY = "sk-fallback-test-0123456789";
const ENV_KEYS = ["OPENAI_API_KEY", "OPENAI_BASE_URL", "ANTHROPIC_API_KEY", "ANTHROPIC_BASE_URL", "OLLAMA_HOST"];
const savedEnv = { ...process.env };
const FAST = { retryPolicy: { initialDelayMs: 5, maxDelayMs: 10 } };

let openai: OpenAIMockServer;
let anthropic: AnthropicMockServer;
let ollama: OllamaMockServer;

beforeAll(async () => {
  // Priced here so that no call waits for the price catalog to load: these tests are about who answers.
  setModelPrices("claude-haiku-4-5", { input: 1, output: 5 });
  [openai, anthropic, ollama] = await Promise.all([OpenAIMockServer.start({ apiKey: KEY }), AnthropicMockServer.start({ apiKey: KEY }), OllamaMockServer.start()]);
});
afterAll(async () => {
  setModelPrices("claude-haiku-4-5", null);
  process.env = savedEnv;
  await Promise.all([openai.close(), anthropic.close(), ollama.close()]);
});
beforeEach(() => {
  for (const key of ENV_KEYS) delete process.env[key];
  // The fallbacks are routed by name: they find their servers and keys in the environment.
  Object.assign(process.env, { ANTHROPIC_API_KEY: KEY, ANTHROPIC_BASE_URL: anthropic.origin, OLLAMA_HOST: ollama.origin });
  for (const server of [openai, anthropic, ollama]) server.requests.length = 0;
});

/** The example: the primary has its own key and URL, the fallbacks take theirs from the environment. */
const chain = (settings: { maxRetries?: number; cooldownMs?: number; apiKey?: string } = {}) =>
  new LiteLLM({ modelName: "gpt-4o-mini", apiKey: "apiKey" in settings ? settings.apiKey : KEY, baseUrl: openai.url, maxRetries: settings.maxRetries ?? 0, cooldownMs: settings.cooldownMs, fallbacks: ["claude-haiku-4-5", "ollama/llama3.2"], ...FAST });

describe("new LiteLLM({ modelName, fallbacks })", () => {
  it("is a FallbackLLM over the routed models, still an instance of LiteLLM", () => {
    const llm = chain();
    expect(llm).toBeInstanceOf(FallbackLLM);
    expect(llm).toBeInstanceOf(LiteLLM);
    expect((llm as FallbackLLM).models.map((model) => [model.provider, model.modelName])).toEqual([
      ["openai", "gpt-4o-mini"],
      ["anthropic", "claude-haiku-4-5"],
      ["ollama", "llama3.2"],
    ]);
    expect([llm.provider, llm.modelName]).toEqual(["openai", "gpt-4o-mini"]);
  });

  it("primary overloaded (529) after its own retries: the next model answers, and the metadata says which", async () => {
    openai.enqueue({ status: 529, errorMessage: "Overloaded" }, { status: 529, errorMessage: "Overloaded" });
    anthropic.enqueue({ text: ["Hello", " from Claude."] });
    const stream = chain({ maxRetries: 1 }).generateStreaming("Hi");
    const { items, error } = await drain(stream);
    expect(error).toBeUndefined();
    expect(items).toEqual(["Hello", " from Claude."]);
    // The primary's own retry path ran first: 1 + maxRetries requests.
    expect(openai.requests).toHaveLength(2);
    const metadata = await stream.metadata;
    expect(metadata).toMatchObject({ provider: "anthropic", model: "claude-haiku-4-5" });
    expect(metadata.fallbackAttempts).toEqual([{ provider: "openai", model: "gpt-4o-mini", outcome: "failed", error: expect.stringMatching(/status 529: Overloaded/) }]);
    expect(await stream.text).toBe("Hello from Claude.");
  });

  it("connection reset before the headers: the next model answers (generateWithMetadata too)", async () => {
    openai.enqueue({ fault: "reset-before-headers" });
    anthropic.enqueue({ text: "Fine." });
    const result = await chain().generateWithMetadata("Hi");
    expect(result).toMatchObject({ content: "Fine.", metadata: { provider: "anthropic", fallbackAttempts: [{ provider: "openai", outcome: "failed" }] } });
    expect(result.metadata.fallbackAttempts?.[0]?.error).toMatch(/socket|terminated|reset|fetch failed|Connection error/i);
  });

  it("missing key for the primary: a configuration error, and the next model answers", async () => {
    anthropic.enqueue({ text: ["Configured."] });
    const llm = new LiteLLM({ modelName: "gpt-4o-mini", fallbacks: ["claude-haiku-4-5"], ...FAST });
    const stream = llm.generateStreaming("Hi");
    expect((await drain(stream)).items).toEqual(["Configured."]);
    expect((await stream.metadata).fallbackAttempts).toEqual([{ provider: "openai", model: "gpt-4o-mini", outcome: "failed", error: expect.stringMatching(/OPENAI_API_KEY/) }]);
  });

  it("after the first chunk, never: a mid-stream failure surfaces, and no other model is asked", async () => {
    openai.enqueue({ text: ["first", " second"], fault: "reset-after-first-chunk" });
    const { items, error } = await drain(chain().generateStreaming("Hi"));
    expect(items).toEqual(["first"]);
    expect(error).toBeInstanceOf(LLMConnectionError);
    expect((error as LLMError).partial).toMatchObject({ content: "first", metadata: { provider: "openai" } });
    expect(anthropic.requests).toHaveLength(0);
    expect(ollama.requests).toHaveLength(0);
  });

  it("errors another model would share (400 bad request) and aborts are not fallen back on", async () => {
    openai.enqueue({ status: 400, errorMessage: "messages: invalid" });
    await expect(chain().generate("Hi")).rejects.toBeInstanceOf(LLMBadRequestError);
    openai.enqueue({ fault: "stall-before-first-byte" });
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 50);
    const { error } = await drain(chain().generateStreaming("Hi", { signal: controller.signal }));
    expect(error).toBeInstanceOf(LLMAbortedError);
    expect(anthropic.requests).toHaveLength(0);
  });

  it("a model that failed cools down: later calls skip it until the cooldown ends", async () => {
    const llm = chain({ cooldownMs: 300 });
    openai.enqueue({ status: 503, errorMessage: "Unavailable" });
    anthropic.enqueue({ text: "one" }, { text: "two" });
    expect(await llm.generate("Hi")).toBe("one");
    const second = llm.generateStreaming("Hi");
    expect((await drain(second)).items).toEqual(["two"]);
    // Skipped without a request.
    expect(openai.requests).toHaveLength(1);
    expect((await second.metadata).fallbackAttempts).toEqual([{ provider: "openai", model: "gpt-4o-mini", outcome: "cooling-down" }]);
    await sleep(350);
    openai.enqueue({ text: ["back"] });
    const third = await llm.generateWithMetadata("Hi");
    expect([third.content, third.metadata.provider, third.metadata.fallbackAttempts]).toEqual(["back", "openai", undefined]);
  });

  it("when every model fails, the last one's error, telling which were tried", async () => {
    openai.enqueue({ status: 500, errorMessage: "boom" });
    anthropic.enqueue({ status: 529, errorMessage: "Overloaded" });
    ollama.enqueue({ status: 503, errorMessage: "loading model" });
    const { error } = await drain(chain({ cooldownMs: 0 }).generateStreaming("Hi"));
    expect(error).toBeInstanceOf(LLMStatusError);
    expect(error).toMatchObject({ provider: "ollama", statusCode: 503 });
    expect((error as LLMError).partial?.metadata.fallbackAttempts?.map((attempt) => attempt.provider)).toEqual(["openai", "anthropic"]);
  });

  it("takes LLM instances, each with its own settings; breaking out closes the answering model's request", async () => {
    // A name no route knows: every call is an LLMConfigurationError.
    const unknown = new LiteLLM({ modelName: "no-such-model-7b" });
    await expect(unknown.generate("Hi")).rejects.toBeInstanceOf(LLMConfigurationError);
    ollama.enqueue({ text: Array.from({ length: 40 }, (_, index) => `chunk${index} `), chunkDelayMs: 20 });
    const llm = new FallbackLLM([unknown, new OllamaLLM({ modelName: "llama3.2", host: ollama.origin })]);
    const received: string[] = [];
    for await (const chunk of llm.generateStreaming("Hi")) {
      received.push(chunk);
      if (received.length === 2) break;
    }
    expect(received).toEqual(["chunk0 ", "chunk1 "]);
    await ollama.waitForClientAbort(1_000);
  });
});
