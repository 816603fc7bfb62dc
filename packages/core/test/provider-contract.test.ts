import {
  LLMAbortedError,
  LLMAuthenticationError,
  LLMConnectionError,
  LLMRateLimitError,
  LLMResponseError,
  type LLMStatusError,
  LLMTimeoutError,
  type Message,
  type ToolCall,
} from "../src";
import { type MockUpstreamServer } from "../src/testing";
import { HISTORY, OPTIONS, TOOL_HISTORY, VALID_KEY, WRONG_KEY, harnesses } from "./provider-harnesses";
import { drain } from "./drain";

const TOOLS = [
  { type: "function" as const, function: { name: "get_weather", description: "Weather for a city", parameters: { type: "object", properties: { city: { type: "string" } } } } },
  { type: "function" as const, function: { name: "get_time", parameters: { type: "object", properties: { tz: { type: "string" } } } } },
];

describe.each(harnesses)("$name provider through its official SDK", (harness) => {
  let server: MockUpstreamServer;

  beforeAll(async () => {
    server = await harness.startServer({ apiKey: harness.usesApiKey ? VALID_KEY : undefined });
  });
  afterAll(() => server.close());
  beforeEach(() => {
    server.requests.length = 0;
    server.clientAborts = 0;
  });

  describe("streaming", () => {
    it("delivers every chunk in order, multi-byte characters intact when the network splits them", async () => {
      const chunks = ["Zażółć ", "gęślą jaźń ", "😀👩‍👩‍👧", " 日本語のテキスト", " e\u0301 ✓"];
      server.enqueue({ text: chunks, byteChunkSize: 3 });
      const stream = harness.createLLM(server).generateStreaming("Say something");
      const { items, error } = await drain(stream);
      expect(error).toBeUndefined();
      expect(items).toEqual(chunks);
      expect(await stream.text).toBe(chunks.join(""));
      expect(await stream.finishReason).toBe("stop");
      expect(stream.done).toBe(true);
    });

    it("sends the history in the provider's format", async () => {
      server.enqueue({ text: ["ok"] });
      await drain(harness.createLLM(server).generateStreaming(HISTORY as unknown as Message[]));
      harness.expectHistory(server.lastRequest!.body);
      expect(server.lastRequest!.body.stream).toBe(true);
    });

    it("sends tool calls and tool results of the history in the provider's format", async () => {
      server.enqueue({ text: ["It is sunny."] });
      await drain(harness.createLLM(server).generateStreaming(TOOL_HISTORY as unknown as Message[], { tools: TOOLS }));
      harness.expectToolHistory(server.lastRequest!.body);
    });

    it("maps the options, merged over the defaults, with provider extras passed through", async () => {
      server.enqueue({ text: ["ok"] });
      const llm = harness.createLLM(server, { defaultOptions: { ...OPTIONS, temperature: 0.9, providerOptions: { [harness.name]: { user: `from-${harness.name}` } } } });
      // An explicit undefined must not erase a default.
      await drain(llm.generateStreaming("Hi", { options: { temperature: 0.3, maxTokens: undefined } }));
      harness.expectOptions(server.lastRequest!.body, true);
    });

    it("reads usage and metadata", async () => {
      server.enqueue({ text: ["a", "b"], usage: { promptTokens: 11, completionTokens: 7, cachedPromptTokens: 3, reasoningTokens: 2 } });
      const stream = harness.createLLM(server).generateStreaming("Hi");
      await drain(stream);
      expect(await stream.usage).toMatchObject({ promptTokens: 11, completionTokens: 7, totalTokens: 18 });
      if (harness.reportsCachedTokens) expect(await stream.usage).toMatchObject({ cachedPromptTokens: 3, reasoningTokens: 2 });
      expect(await stream.metadata).toMatchObject({ provider: harness.name, retries: 0 });
    });

    it("accumulates streamed tool-call arguments and yields each call complete", async () => {
      server.enqueue({
        toolCalls: [
          { id: "call_a", name: "get_weather", arguments: { city: "Paris" } },
          { id: "call_b", name: "get_time", arguments: { tz: "Europe/Warsaw" } },
        ],
      });
      const stream = harness.createLLM(server).generateStreaming("Weather and time?", { tools: TOOLS });
      const { items, error } = await drain(stream);
      expect(error).toBeUndefined();
      const calls = items.filter((item): item is ToolCall => typeof item !== "string");
      expect(calls.map(({ name, arguments: args }) => ({ name, args }))).toEqual([
        { name: "get_weather", args: { city: "Paris" } },
        { name: "get_time", args: { tz: "Europe/Warsaw" } },
      ]);
      if (harness.keepsToolCallIds) expect(calls.map((call) => call.id)).toEqual(["call_a", "call_b"]);
      expect(new Set(calls.map((call) => call.id)).size).toBe(2);
      expect(await stream.finishReason).toBe("tool_calls");
      expect(await stream.toolCalls).toEqual(calls);
    });

    it("reports malformed tool-call arguments instead of dropping them", async () => {
      server.enqueue({ toolCalls: [{ name: "get_weather", arguments: '{"city": "Par' }] });
      const { items } = await drain(harness.createLLM(server).generateStreaming("Weather?", { tools: TOOLS }));
      const call = items.find((item): item is ToolCall => typeof item !== "string");
      expect(call?.rawArguments).toContain('"city": "Par');
      expect(call?.argumentsError).toMatch(/not valid JSON/);
    });

    it("yields reasoning only when asked, and always collects it", async () => {
      server.enqueue({ reasoning: ["Let me", " think."], text: ["Answer"] }, { reasoning: ["Hmm."], text: ["Answer"] });
      const llm = harness.createLLM(server);
      const withReasoning = await drain(llm.generateStreaming("Q?", { includeReasoning: true }));
      expect(withReasoning.items).toEqual([{ type: "reasoning", text: "Let me" }, { type: "reasoning", text: " think." }, "Answer"]);
      const plain = llm.generateStreaming("Q?");
      expect((await drain(plain)).items).toEqual(["Answer"]);
      expect(await plain.reasoning).toBe("Hmm.");
    });

    it("closes the upstream connection when the caller breaks out of the loop", async () => {
      server.enqueue({ text: Array.from({ length: 50 }, (_, index) => `chunk${index} `), chunkDelayMs: 20 });
      const received: string[] = [];
      for await (const chunk of harness.createLLM(server).generateStreaming("Long answer")) {
        received.push(chunk);
        if (received.length === 2) break;
      }
      await server.waitForClientAbort(1_000);
      expect(server.clientAborts).toBe(1);
    });

    it("closes the upstream connection and throws LLMAbortedError when the signal aborts", async () => {
      server.enqueue({ text: Array.from({ length: 50 }, (_, index) => `chunk${index} `), chunkDelayMs: 20 });
      const controller = new AbortController();
      const stream = harness.createLLM(server).generateStreaming("Long answer", { signal: controller.signal });
      const received: string[] = [];
      let thrown: unknown;
      try {
        for await (const chunk of stream) {
          received.push(chunk);
          if (received.length === 1) controller.abort();
        }
      } catch (error) {
        thrown = error;
      }
      expect(thrown).toBeInstanceOf(LLMAbortedError);
      await server.waitForClientAbort(1_000);
      expect(received.length).toBeLessThan(50);
    });

    it("times out a stream that stalls mid-answer, and closes the connection", async () => {
      server.enqueue({ text: ["first", " second"], fault: "stall-after-first-chunk" });
      const { items, error } = await drain(harness.createLLM(server, { idleTimeoutMs: 150 }).generateStreaming("Hi"));
      expect(items).toEqual(["first"]);
      expect(error).toBeInstanceOf(LLMTimeoutError);
      expect((error as Error).message).toMatch(/silent for 150 ms/);
      await server.waitForClientAbort(1_000);
    });

    it("retries a stall before the first byte, then succeeds", async () => {
      server.enqueue({ fault: "stall-before-first-byte" }, { text: ["recovered"] });
      const stream = harness.createLLM(server, { timeoutMs: 150 }).generateStreaming("Hi");
      const { items, error } = await drain(stream);
      expect(error).toBeUndefined();
      expect(items).toEqual(["recovered"]);
      expect(server.requests).toHaveLength(2);
      expect((await stream.metadata).retries).toBe(1);
    });

    it("retries a 429 after the Retry-After delay, then succeeds", async () => {
      server.enqueue({ status: 429, errorMessage: "Rate limit reached", headers: { "retry-after": "0.2" } }, { text: ["ok"] });
      const stream = harness.createLLM(server).generateStreaming("Hi");
      const { items, error } = await drain(stream);
      expect(error).toBeUndefined();
      expect(items).toEqual(["ok"]);
      expect(server.requests).toHaveLength(2);
      // The second request came no earlier than the provider asked.
      expect(server.requests[1]!.receivedAt - server.requests[0]!.receivedAt).toBeGreaterThanOrEqual(190);
    });

    it("fails with LLMRateLimitError when the retries run out", async () => {
      const limited = { status: 429, errorMessage: "Rate limit reached", headers: { "retry-after": "0.01" } };
      server.enqueue(limited, limited);
      const { error } = await drain(harness.createLLM(server, { maxRetries: 1 }).generateStreaming("Hi"));
      expect(error).toBeInstanceOf(LLMRateLimitError);
      expect(error).toMatchObject({ statusCode: 429, retryAfterMs: 10, retryable: true, provider: harness.name });
      expect(server.requests).toHaveLength(2);
    });

    it("retries 5xx responses and connections reset before the headers", async () => {
      server.enqueue({ status: 503, errorMessage: "Service unavailable" }, { fault: "reset-before-headers" }, { text: ["third time lucky"] });
      const { items, error } = await drain(harness.createLLM(server).generateStreaming("Hi"));
      expect(error).toBeUndefined();
      expect(items).toEqual(["third time lucky"]);
      expect(server.requests).toHaveLength(3);
    });

    it("does not retry once a chunk has reached the caller: a reset mid-stream surfaces as an error", async () => {
      server.enqueue({ text: ["first", " second", " third"], fault: "reset-after-first-chunk" });
      const { items, error } = await drain(harness.createLLM(server).generateStreaming("Hi"));
      expect(items).toEqual(["first"]);
      expect(error).toBeInstanceOf(LLMConnectionError);
      expect(server.requests).toHaveLength(1);
    });

    it("reports a stream cut off before its completion frames", async () => {
      server.enqueue({ text: ["partial", " answer"], fault: "no-terminator" });
      const { items, error } = await drain(harness.createLLM(server).generateStreaming("Hi"));
      expect(items).toEqual(["partial", " answer"]);
      expect(error).toBeInstanceOf(LLMResponseError);
    });

    it("handles a malformed frame as documented for the provider", async () => {
      const warn = jest.spyOn(console, "warn").mockImplementation(() => undefined);
      server.enqueue({ text: ["one", " two", " three"], fault: "malformed-frame" });
      const { items, error } = await drain(harness.createLLM(server).generateStreaming("Hi"));
      warn.mockRestore();
      expect(items[0]).toBe("one");
      if (harness.malformedFrame === "error") {
        expect(error).toBeInstanceOf(LLMResponseError);
        expect((error as Error).message).toMatch(/malformed/);
      } else {
        expect(error).toBeUndefined();
        expect(items).toEqual(["one", " three"]);
      }
      expect(server.requests).toHaveLength(1);
    });

    it("turns 401 into LLMAuthenticationError without retrying or revealing the key", async () => {
      if (!harness.usesApiKey) server.enqueue({ status: 401, errorMessage: `unauthorized ${WRONG_KEY}` });
      const { error } = await drain(harness.createLLM(server, { apiKey: WRONG_KEY }).generateStreaming("Hi"));
      expect(error).toBeInstanceOf(LLMAuthenticationError);
      expect(error).toMatchObject({ statusCode: 401, retryable: false, provider: harness.name });
      expect(server.requests).toHaveLength(1);
      const everything = JSON.stringify({ message: (error as Error).message, body: (error as LLMStatusError).responseBody, stack: (error as Error).stack });
      expect(everything).not.toContain(WRONG_KEY);
      expect(everything).not.toContain(VALID_KEY);
    });
  });

  describe("generateWithMetadata", () => {
    it("returns content, usage, finish reason and metadata", async () => {
      server.enqueue({ text: "Hello there", usage: { promptTokens: 5, completionTokens: 2 } });
      const result = await harness.createLLM(server).generateWithMetadata(HISTORY as unknown as Message[]);
      expect(result).toMatchObject({ content: "Hello there", reasoning: null, toolCalls: [], finishReason: "stop", usage: { promptTokens: 5, completionTokens: 2, totalTokens: 7 } });
      expect(result.metadata).toMatchObject({ provider: harness.name, retries: 0 });
      expect(server.lastRequest!.body.stream).toBeFalsy();
      harness.expectHistory(server.lastRequest!.body);
    });

    it("maps options and returns tool calls", async () => {
      server.enqueue({ toolCalls: [{ id: "call_x", name: "get_weather", arguments: { city: "Oslo" } }] });
      const llm = harness.createLLM(server, { defaultOptions: { providerOptions: { [harness.name]: { user: `from-${harness.name}` } } } });
      const result = await llm.generateWithMetadata("Weather?", { tools: TOOLS, options: OPTIONS });
      harness.expectOptions(server.lastRequest!.body, false);
      expect(result.toolCalls).toHaveLength(1);
      expect(result.toolCalls[0]).toMatchObject({ type: "tool_call", name: "get_weather", arguments: { city: "Oslo" } });
      expect(result.finishReason).toBe("tool_calls");
    });

    it("retries a 500, then returns the answer", async () => {
      server.enqueue({ status: 500, errorMessage: "boom" }, { text: "fine" });
      const result = await harness.createLLM(server).generateWithMetadata("Hi");
      expect(result.content).toBe("fine");
      expect(result.metadata.retries).toBe(1);
    });

    it("aborts the request when the signal fires", async () => {
      server.enqueue({ fault: "stall-before-first-byte" });
      const controller = new AbortController();
      const pending = harness.createLLM(server).generate("Hi", { signal: controller.signal });
      setTimeout(() => controller.abort(), 50);
      await expect(pending).rejects.toBeInstanceOf(LLMAbortedError);
      await server.waitForClientAbort(1_000);
    });
  });
});
