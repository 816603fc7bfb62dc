/**
 * What each provider reports — usage (cached, cache-write, reasoning, server-tool and per-step
 * figures), refusals, several choices, content-part arrays, tool-call ids, protocol breaks, and what
 * a stream that breaks part-way leaves on its error — through the official SDKs against loopback
 * servers replaying each provider's documented stream shapes.
 */
import {
  AnthropicLLM,
  AzureOpenAILLM,
  LLMConnectionError,
  type LLMError,
  LLMRefusalError,
  LLMResponseError,
  LLMStatusError,
  OllamaLLM,
  OpenAILLM,
  type Refusal,
  type ToolCall,
  setModelPrices,
} from "../src";
import { AnthropicMockServer, OllamaMockServer, OpenAIMockServer } from "../src/testing";
import { drain } from "./drain";
import { FAST, VALID_KEY } from "./provider-harnesses";

const TOOLS = [{ type: "function" as const, function: { name: "get_weather", parameters: { type: "object", properties: { city: { type: "string" } } } } }];

let anthropic: AnthropicMockServer;
let openai: OpenAIMockServer;
let ollama: OllamaMockServer;

beforeAll(async () => {
  [anthropic, openai, ollama] = await Promise.all([AnthropicMockServer.start({ apiKey: VALID_KEY }), OpenAIMockServer.start({ apiKey: VALID_KEY }), OllamaMockServer.start()]);
});
afterAll(() => Promise.all([anthropic.close(), openai.close(), ollama.close()]));

const claude = (settings = {}) => new AnthropicLLM({ modelName: "claude-haiku-4-5", apiKey: VALID_KEY, baseUrl: anthropic.origin, ...FAST, maxRetries: 0, ...settings });
const gpt = (settings = {}) => new OpenAILLM({ modelName: "gpt-4o-mini", apiKey: VALID_KEY, baseUrl: openai.url, ...FAST, maxRetries: 0, ...settings });
const llama = () => new OllamaLLM({ modelName: "llama3.2", host: ollama.origin, ...FAST, maxRetries: 0 });

describe("Anthropic usage: message_start is provisional, message_delta is cumulative and final", () => {
  // With server tools and prompt caching the final figures are many times message_start's.
  const provisionalUsage = { promptTokens: 1_200, completionTokens: 1 };
  const usage = { promptTokens: 48_000, cachedPromptTokens: 30_000, cacheWritePromptTokens: 2_000, completionTokens: 900, reasoningTokens: 400, webSearchRequests: 2 };

  it("takes the last reported value of every field, through a server-tool loop", async () => {
    anthropic.enqueue({
      serverToolCalls: [
        { name: "web_search", input: { query: "weather Paris" } },
        { name: "web_search", input: { query: "weather Paris tomorrow" } },
      ],
      reasoning: ["Searching."],
      text: ["Sunny", " tomorrow."],
      provisionalUsage,
      usage,
      iterations: [
        { type: "message", promptTokens: 1_200, completionTokens: 120 },
        { type: "message", promptTokens: 20_000, cachedPromptTokens: 12_000, completionTokens: 300 },
        { type: "message", promptTokens: 26_800, cachedPromptTokens: 18_000, cacheWritePromptTokens: 2_000, completionTokens: 480 },
      ],
    });
    const stream = claude().generateStreaming("Weather in Paris tomorrow?", { tools: TOOLS });
    const { items, error } = await drain(stream);
    expect(error).toBeUndefined();
    // Server tools run at Anthropic: they are not the caller's tool calls.
    expect(items).toEqual(["Sunny", " tomorrow."]);
    expect(await stream.usage).toMatchObject({
      promptTokens: 48_000,
      cachedPromptTokens: 30_000,
      cacheWritePromptTokens: 2_000,
      completionTokens: 900,
      totalTokens: 48_900,
      reasoningTokens: 400,
      webSearchRequests: 2,
      iterations: [
        { type: "message", promptTokens: 1_200, completionTokens: 120 },
        { type: "message", promptTokens: 20_000, cachedPromptTokens: 12_000, cacheWritePromptTokens: 0, completionTokens: 300 },
        { type: "message", promptTokens: 26_800, cachedPromptTokens: 18_000, cacheWritePromptTokens: 2_000, completionTokens: 480 },
      ],
    });
  });

  it("reads the same figures from a non-streaming answer", async () => {
    anthropic.enqueue({ text: "Sunny.", usage });
    const result = await claude().generateWithMetadata("Weather?");
    expect(result.usage).toMatchObject({ promptTokens: 48_000, cachedPromptTokens: 30_000, cacheWritePromptTokens: 2_000, completionTokens: 900, reasoningTokens: 400, webSearchRequests: 2 });
  });

  it("prices the final figures from the catalog (claude-haiku-4-5: $1 input, $0.10 cache read, $1.25 cache write, $5 output per MTok, $10 per 1k searches)", async () => {
    anthropic.enqueue({ text: "Sunny.", provisionalUsage, usage });
    const stream = claude().generateStreaming("Weather?");
    await drain(stream);
    // Per MTok: 16 000 uncached × $1 + 30 000 cache reads × $0.10 + 2 000 cache writes × $1.25 + 900 output × $5; and 2 searches × $0.01.
    expect((await stream.usage)?.estimatedCost).toBeCloseTo(0.016 + 0.003 + 0.0025 + 0.0045 + 0.02, 10);
  });

  it("adds compaction steps, which Anthropic bills apart from the totals, to the cost", async () => {
    anthropic.enqueue({ text: "Done.", usage: { promptTokens: 1_000, completionTokens: 100 }, iterations: [{ type: "compaction", promptTokens: 10_000, completionTokens: 1_000 }, { type: "message", promptTokens: 1_000, completionTokens: 100 }] });
    const result = await claude().generateWithMetadata("Continue.");
    expect(result.usage).toMatchObject({ promptTokens: 1_000, completionTokens: 100 });
    // (1 000 + 10 000) × $1 + (100 + 1 000) × $5 per MTok.
    expect(result.usage?.estimatedCost).toBeCloseTo(0.011 + 0.0055, 10);
  });
});

describe("OpenAI usage chunk", () => {
  it("reads cached prompt tokens and reasoning tokens", async () => {
    openai.enqueue({ text: ["ok"], usage: { promptTokens: 2_000, cachedPromptTokens: 1_536, completionTokens: 300, reasoningTokens: 256 } });
    const stream = gpt().generateStreaming("Hi");
    await drain(stream);
    expect(await stream.usage).toEqual({ promptTokens: 2_000, cachedPromptTokens: 1_536, completionTokens: 300, reasoningTokens: 256, totalTokens: 2_300 });
  });
});

describe("refusals are answers, alike across providers", () => {
  it("OpenAI: delta.refusal is the answer, finishReason 'refusal', never an empty response", async () => {
    openai.enqueue({ refusal: "I can't help with that request." });
    const stream = gpt().generateStreaming("Something harmful");
    const { items, error } = await drain(stream);
    expect(error).toBeUndefined();
    expect(items.join("")).toBe("I can't help with that request.");
    expect(await stream.refusal).toBe("I can't help with that request.");
    expect(await stream.text).toBe("I can't help with that request.");
    expect(await stream.finishReason).toBe("refusal");
    expect((await stream.metadata).rawFinishReason).toBe("stop");
  });

  it("OpenAI: generateWithMetadata returns the refusal as content, with refusal and finishReason set", async () => {
    openai.enqueue({ refusal: "I can't help with that." });
    const result = await gpt().generateWithMetadata("Something harmful");
    expect(result).toMatchObject({ content: "I can't help with that.", refusal: "I can't help with that.", finishReason: "refusal" });
  });

  it("Anthropic: stop_reason 'refusal' keeps the partial text and adds the explanation", async () => {
    anthropic.enqueue({ text: ["Hello", ".."], refusal: "This request was declined because it could enable cyber harm." });
    const stream = claude().generateStreaming("Something harmful");
    const { items, error } = await drain(stream);
    expect(error).toBeUndefined();
    expect(items).toEqual(["Hello", "..", "This request was declined because it could enable cyber harm."]);
    expect(await stream.refusal).toBe("This request was declined because it could enable cyber harm.");
    expect(await stream.finishReason).toBe("refusal");
  });

  it("Anthropic: a refusal with no text and no explanation is an empty refusal, not an empty response", async () => {
    anthropic.enqueue({ refusal: "" }, { refusal: "" });
    const stream = claude().generateStreaming("Something harmful");
    const { items, error } = await drain(stream);
    expect(error).toBeUndefined();
    expect(items).toEqual([]);
    expect([await stream.refusal, await stream.finishReason]).toEqual(["", "refusal"]);
    expect(await claude().generateWithMetadata("Something harmful")).toMatchObject({ content: "", refusal: "", finishReason: "refusal" });
  });

  it("yields a Refusal item instead of text when asked (includeRefusal), for both providers", async () => {
    openai.enqueue({ refusal: "No." });
    anthropic.enqueue({ refusal: "Declined." });
    const fromOpenAI = await drain(gpt().generateStreaming("x", { includeRefusal: true }));
    const fromAnthropic = await drain(claude().generateStreaming("x", { includeRefusal: true }));
    const refusals = (items: unknown[]) => (items as Refusal[]).map((item) => item.text).join("");
    expect(fromOpenAI.items.every((item) => typeof item === "object" && item.type === "refusal")).toBe(true);
    expect(refusals(fromOpenAI.items)).toBe("No.");
    expect(fromAnthropic.items).toEqual([{ type: "refusal", text: "Declined." }]);
  });

  it("is an LLMRefusalError where the caller asked for structured output", async () => {
    const schema = { type: "json_schema", json_schema: { name: "city", schema: { type: "object" } } };
    openai.enqueue({ refusal: "I can't." }, { refusal: "I can't." });
    const options = { options: { providerOptions: { openai: { response_format: schema } } } };
    const { items, error } = await drain(gpt().generateStreaming("x", options));
    expect(items).toEqual([]);
    expect(error).toBeInstanceOf(LLMRefusalError);
    expect(error).toMatchObject({ refusal: "I can't.", partial: { refusal: "I can't.", finishReason: "refusal" } });
    await expect(gpt().generateWithMetadata("x", options)).rejects.toBeInstanceOf(LLMRefusalError);

    anthropic.enqueue({ refusal: "Declined." });
    const structured = await drain(claude().generateStreaming("x", { options: { providerOptions: { anthropic: { output_config: { format: { type: "json_schema", schema: {} } } } } } }));
    expect(structured.error).toBeInstanceOf(LLMRefusalError);
  });
});

describe("OpenAI-compatible shapes", () => {
  it("with n > 1 the answer is choice 0, picked by its index: never the choices mixed", async () => {
    openai.enqueue({ text: ['{"city":', ' "Paris"}'], extraChoices: [['{"city":', ' "Rome"}'], ['{"city":', ' "Oslo"}']] });
    const stream = gpt().generateStreaming("A city as JSON", { options: { providerOptions: { openai: { n: 3 } } } });
    const { items, error } = await drain(stream);
    expect(error).toBeUndefined();
    expect(items).toEqual(['{"city":', ' "Paris"}']);
    expect([await stream.text, await stream.finishReason]).toEqual(['{"city": "Paris"}', "stop"]);

    openai.enqueue({ text: "Paris", extraChoices: ["Rome"] });
    expect(await gpt().generate("A city", { options: { providerOptions: { openai: { n: 2 } } } })).toBe("Paris");
  });

  it("reads content sent as typed parts (Mistral): text as text, thinking as reasoning, never an object as text", async () => {
    openai.enqueue({ contentAsParts: true, reasoning: ["Let me think", " about it."], text: ["The answer", " is 42."] });
    const stream = gpt().generateStreaming("Q?", { includeReasoning: true });
    const { items, error } = await drain(stream);
    expect(error).toBeUndefined();
    expect(items).toEqual([{ type: "reasoning", text: "Let me think" }, { type: "reasoning", text: " about it." }, "The answer", " is 42."]);
    expect([await stream.text, await stream.reasoning]).toEqual(["The answer is 42.", "Let me think about it."]);

    openai.enqueue({ contentAsParts: true, reasoning: "Hmm.", text: "42." });
    expect(await gpt().generateWithMetadata("Q?")).toMatchObject({ content: "42.", reasoning: "Hmm." });
  });
});

describe("Ollama tool-call ids", () => {
  it("keeps the ids the server sends, and numbers calls from servers that send none", async () => {
    ollama.enqueue(
      {
        toolCalls: [
          { id: "call_x1y2z3", name: "get_weather", arguments: { city: "Paris" } },
          { id: "call_a9b8c7", name: "get_weather", arguments: { city: "Rome" } },
        ],
      },
      { toolCalls: [{ name: "get_weather", arguments: { city: "Oslo" } }] },
    );
    const recent = await drain(llama().generateStreaming("Weather?", { tools: TOOLS }));
    expect((recent.items as ToolCall[]).map((call) => call.id)).toEqual(["call_x1y2z3", "call_a9b8c7"]);
    const older = await drain(llama().generateStreaming("Weather?", { tools: TOOLS }));
    expect((older.items as ToolCall[]).map((call) => call.id)).toEqual(["call_0"]);
  });
});

describe("a stream that breaks part-way: a typed error with what had arrived", () => {
  it("Anthropic: a second message_start is a protocol error, not a silent restart", async () => {
    anthropic.enqueue({ toolCalls: [{ id: "toolu_first", name: "get_weather", arguments: { city: "Paris" } }], fault: "duplicate-message-start" });
    const { items, error } = await drain(claude().generateStreaming("Weather?", { tools: TOOLS }));
    expect(items).toEqual([]);
    expect(error).toBeInstanceOf(LLMResponseError);
    expect((error as Error).message).toMatch(/protocol error: a second message_start/);
  });

  it("Anthropic: an overloaded error mid-stream keeps the text, response id and message_start's (provisional) usage", async () => {
    anthropic.enqueue({ text: ["Part", " two"], provisionalUsage: { promptTokens: 500, completionTokens: 1 }, fault: "error-after-first-chunk", streamErrorStatus: 529, errorMessage: "Overloaded" });
    const stream = claude().generateStreaming("Hi");
    const { items, error } = await drain(stream);
    expect(items).toEqual(["Part"]);
    expect(error).toBeInstanceOf(LLMStatusError);
    expect(error).toMatchObject({ statusCode: 529 });
    expect((error as LLMError).partial).toMatchObject({ content: "Part", finishReason: null, usage: { promptTokens: 500, completionTokens: 1 }, metadata: { responseId: expect.stringMatching(/^msg_mock/) } });
    await expect(stream.usage).rejects.toBe(error);
  });

  it("Anthropic: cut after message_delta, the final usage and finish reason are on the error", async () => {
    anthropic.enqueue({ text: ["All", " done."], usage: { promptTokens: 40, completionTokens: 2 }, fault: "reset-before-last-frame" });
    const { items, error } = await drain(claude().generateStreaming("Hi"));
    expect(items).toEqual(["All", " done."]);
    expect(error).toBeInstanceOf(LLMConnectionError);
    expect((error as LLMError).partial).toMatchObject({ content: "All done.", finishReason: "stop", usage: { promptTokens: 40, completionTokens: 2, estimatedCost: expect.any(Number) } });
  });

  it("OpenAI: an error event mid-stream keeps the text and response id; usage was not reported yet", async () => {
    openai.enqueue({ text: ["Part", " two"], fault: "error-after-first-chunk", errorMessage: "The server had an error" });
    const { items, error } = await drain(gpt().generateStreaming("Hi"));
    expect(items).toEqual(["Part"]);
    expect(error).toBeInstanceOf(LLMResponseError);
    expect((error as LLMError).partial).toMatchObject({ content: "Part", finishReason: null, usage: null, metadata: { responseId: expect.stringMatching(/^chatcmpl-mock/) } });
  });

  it("OpenAI: cut before [DONE], the finish reason and usage chunk already on the error", async () => {
    openai.enqueue({ text: ["All", " done."], usage: { promptTokens: 12, cachedPromptTokens: 4, completionTokens: 2, reasoningTokens: 1 }, fault: "reset-before-last-frame" });
    const { error } = await drain(gpt().generateStreaming("Hi"));
    expect(error).toBeInstanceOf(LLMConnectionError);
    expect((error as LLMError).partial).toMatchObject({ content: "All done.", finishReason: "stop", usage: { promptTokens: 12, cachedPromptTokens: 4, completionTokens: 2, reasoningTokens: 1 } });
  });

  it("Ollama: cut before the done line, the text is on the error; usage comes only with that line", async () => {
    ollama.enqueue({ text: ["All", " done."], fault: "reset-before-last-frame" });
    const { items, error } = await drain(llama().generateStreaming("Hi"));
    expect(items).toEqual(["All", " done."]);
    expect(error).toBeInstanceOf(LLMConnectionError);
    expect((error as LLMError).partial).toMatchObject({ content: "All done.", usage: null, finishReason: null, metadata: { model: "llama3.2" } });
  });
});

describe("estimated cost", () => {
  afterEach(() => setModelPrices("gpt-4o-mini", null));

  it("is absent, never 0, for a model nobody priced (a local OpenAI-compatible server, Ollama)", async () => {
    openai.enqueue({ text: ["ok"], usage: { promptTokens: 10, completionTokens: 1 } });
    ollama.enqueue({ text: ["ok"], usage: { promptTokens: 10, completionTokens: 1 } });
    const fromLocal = gpt().generateStreaming("Hi");
    await drain(fromLocal);
    expect(await fromLocal.usage).not.toHaveProperty("estimatedCost");
    expect((await llama().generateWithMetadata("Hi")).usage).not.toHaveProperty("estimatedCost");
  });

  it("uses setModelPrices, and the model's own prices over them", async () => {
    setModelPrices("gpt-4o-mini", { input: 0.15, cachedInput: 0.075, output: 0.6 });
    openai.enqueue({ text: ["ok"], usage: { promptTokens: 10_000, cachedPromptTokens: 4_000, completionTokens: 1_000 } }, { text: ["ok"], usage: { promptTokens: 10_000, completionTokens: 1_000 } });
    const stream = gpt().generateStreaming("Hi");
    await drain(stream);
    // 6 000 × $0.15 + 4 000 × $0.075 + 1 000 × $0.60 per MTok.
    expect((await stream.usage)?.estimatedCost).toBeCloseTo(0.0009 + 0.0003 + 0.0006, 12);
    const own = await gpt({ prices: { input: 1, output: 2 } }).generateWithMetadata("Hi");
    expect(own.usage?.estimatedCost).toBeCloseTo(0.01 + 0.002, 12);
  });

  it("prices Azure deployments by the model Azure reports, from the catalog (gpt-4o-mini: $0.15 / $0.60 per MTok)", async () => {
    openai.enqueue({ text: "ok", model: "gpt-4o-mini-2024-07-18", usage: { promptTokens: 20_000, completionTokens: 5_000 } });
    const azure = new AzureOpenAILLM({ modelName: "my-deployment", apiKey: VALID_KEY, endpoint: openai.origin, apiVersion: "2024-10-21", ...FAST });
    const result = await azure.generateWithMetadata("Hi");
    expect(result.usage?.estimatedCost).toBeCloseTo(0.003 + 0.003, 12);
  });
});
