import { LLMAbortedError, LLMEmptyResponseError, LLMTimeoutError } from "../errors/llm-error";
import { type LLMStream } from "../llm/llm-stream";
import { type ToolCall } from "../llm/tool-call";
import { type Message } from "../prompt/chat-format";
import { MockLLM, splitWords } from "./mock-llm";

async function collect<T>(stream: AsyncIterable<T>): Promise<T[]> {
  const items: T[] = [];
  for await (const item of stream) items.push(item);
  return items;
}

describe("MockLLM", () => {
  it("echoes the last user message word by word by default", async () => {
    const llm = new MockLLM();
    const stream = llm.generateStreaming([
      { role: "user", content: "first question" },
      { role: "assistant", content: "answer" },
      { role: "user", content: "Hello  streaming world" },
    ]);
    expect(await collect(stream)).toEqual(["Hello  ", "streaming ", "world"]);
    expect(await stream.usage).toEqual({ promptTokens: 6, completionTokens: 3, totalTokens: 9 });
    expect(await llm.generate("echo this")).toBe("echo this");
  });

  it("plays scripted responses, chunks, tool calls, reasoning and usage", async () => {
    const llm = new MockLLM({
      responseStream: ["a", "b"],
      reasoning: "thinking",
      toolCalls: [{ name: "lookup", arguments: { q: "x" } }],
      usage: { promptTokens: 10, completionTokens: 2 },
    });
    const items = await collect(llm.generateStreaming("hi", { tools: [{ type: "function", function: { name: "lookup" } }], includeReasoning: true }));
    expect(items).toEqual([{ type: "reasoning", text: "thinking" }, "a", "b", expect.objectContaining({ type: "tool_call", name: "lookup", arguments: { q: "x" } })]);
    const result = await llm.generateWithMetadata("hi");
    expect(result).toMatchObject({ content: "ab", reasoning: "thinking", finishReason: "tool_calls", usage: { promptTokens: 10, completionTokens: 2, totalTokens: 12 } });
    expect(llm.calls).toHaveLength(2);
  });

  it("answers with a function of the conversation", async () => {
    const llm = new MockLLM({ response: (messages) => `You said ${messages.length} things` });
    expect(await llm.generate([{ role: "user", content: "a" }, { role: "user", content: "b" }])).toBe("You said 2 things");
  });

  it("stops waiting as soon as the signal aborts", async () => {
    const llm = new MockLLM({ response: "one two three four", chunkDelayMs: 1_000 });
    const controller = new AbortController();
    const started = Date.now();
    setTimeout(() => controller.abort(), 30);
    await expect(collect(llm.generateStreaming("x", { signal: controller.signal }))).rejects.toBeInstanceOf(LLMAbortedError);
    expect(Date.now() - started).toBeLessThan(900);
  });

  it("fails with LLMAbortedError at once when the signal is already aborted", async () => {
    const llm = new MockLLM();
    await expect(llm.generate("x", { signal: AbortSignal.abort() })).rejects.toBeInstanceOf(LLMAbortedError);
    expect(llm.calls).toHaveLength(0);
  });

  it("times out silences between chunks with LLMTimeoutError (after retries of the first chunk)", async () => {
    const llm = new MockLLM({ response: "one two", chunkDelayMs: 200, timeoutMs: 1_000, idleTimeoutMs: 50 });
    const received: string[] = [];
    await expect(
      (async () => {
        for await (const chunk of llm.generateStreaming("x")) received.push(chunk);
      })(),
    ).rejects.toBeInstanceOf(LLMTimeoutError);
    expect(received).toEqual(["one "]);
  });

  it("throws LLMEmptyResponseError for an empty answer", async () => {
    await expect(new MockLLM({ response: "" }).generate("x")).rejects.toBeInstanceOf(LLMEmptyResponseError);
    await expect(collect(new MockLLM({ response: "" }).generateStreaming("x"))).rejects.toBeInstanceOf(LLMEmptyResponseError);
  });

  it("can be iterated once only", async () => {
    const stream = new MockLLM().generateStreaming("a b");
    await collect(stream);
    expect(() => stream[Symbol.asyncIterator]()).toThrow(/only once/);
  });

  it("yields ToolCall items only when tools were passed, as the item type says", async () => {
    const llm = new MockLLM({ response: "calling", toolCalls: [{ id: "call_1", name: "lookup", arguments: { q: "x" } }] });
    const tools = [{ type: "function" as const, function: { name: "lookup" } }];
    // The types (checked by `pnpm typecheck`): text only by default, ToolCall added with tools.
    const plain: LLMStream<string> = llm.generateStreaming("x");
    const withTools: LLMStream<string | ToolCall> = llm.generateStreaming("x", { tools });
    // @ts-expect-error a call with tools may yield ToolCall items, so its stream is not a stream of strings
    const mistyped: LLMStream<string> = llm.generateStreaming("x", { tools });
    const call = { type: "tool_call", id: "call_1", name: "lookup", arguments: { q: "x" }, rawArguments: '{"q":"x"}' };
    expect(await collect(plain)).toEqual(["calling"]);
    expect(await plain.toolCalls).toEqual([call]);
    expect(await collect(withTools)).toEqual(["calling", call]);
    expect(await collect(mistyped)).toEqual(["calling", call]);
  });

  it("splits words keeping whitespace so chunks join back exactly", () => {
    expect(splitWords(" a  b\nc ")).toEqual([" ", "a  ", "b\n", "c "]);
    expect(splitWords("").join("")).toBe("");
  });
});

describe("MockLLM in an agent loop", () => {
  const tools = [{ type: "function" as const, function: { name: "get_weather", parameters: { type: "object", properties: { city: { type: "string" } } } } }];
  const script = () =>
    new MockLLM({
      toolCalls: [{ name: "get_weather", arguments: { city: "Paris" } }],
      response: (messages) => (messages.some((message) => message.role === "tool") ? "It is sunny in Paris." : ""),
    });

  /** A minimal agent: call the model, run the tools it asks for, send the results back, until it answers. */
  async function runAgent(llm: MockLLM, conversation: Message[], streaming: boolean): Promise<{ answer: string; steps: number }> {
    for (let steps = 1; steps <= 5; steps++) {
      let content = "";
      let toolCalls: ToolCall[] = [];
      if (streaming) {
        for await (const item of llm.generateStreaming(conversation, { tools })) {
          if (typeof item === "string") content += item;
          else toolCalls.push(item);
        }
      } else {
        ({ content, toolCalls } = await llm.generateWithMetadata(conversation, { tools }));
      }
      if (toolCalls.length === 0) return { answer: content, steps };
      conversation.push({ role: "assistant", content: content || null, tool_calls: toolCalls.map((call) => ({ id: call.id, type: "function", function: { name: call.name, arguments: call.rawArguments } })) });
      for (const call of toolCalls) conversation.push({ role: "tool", tool_call_id: call.id, content: `sunny in ${String(call.arguments.city)}` });
    }
    throw new Error("the agent loop did not end");
  }

  it.each([false, true])("calls the tool, then answers with text once the tool result is in the prompt (streaming: %p)", async (streaming) => {
    const llm = script();
    const conversation: Message[] = [{ role: "user", content: "Weather in Paris?" }];
    expect(await runAgent(llm, conversation, streaming)).toEqual({ answer: "It is sunny in Paris.", steps: 2 });
    expect(llm.calls).toHaveLength(2);
    expect(conversation.map((message) => message.role)).toEqual(["user", "assistant", "tool"]);
  });

  it("calls the tool again for the next user message of the same conversation", async () => {
    const llm = script();
    const conversation: Message[] = [{ role: "user", content: "Weather in Paris?" }];
    await runAgent(llm, conversation, false);
    conversation.push({ role: "assistant", content: "It is sunny in Paris." }, { role: "user", content: "And now?" });
    const next = await llm.generateWithMetadata(conversation, { tools });
    expect([next.finishReason, next.toolCalls.map((call) => call.name)]).toEqual(["tool_calls", ["get_weather"]]);
  });
});

describe("runWithAbortSignal", () => {
  it("cancels calls made inside it that were given no signal of their own", async () => {
    const { runWithAbortSignal } = await import("../llm/abort-scope");
    const llm = new MockLLM({ response: "one two three", chunkDelayMs: 1_000 });
    const controller = new AbortController();
    const pending = runWithAbortSignal(controller.signal, async () => {
      const chunks: string[] = [];
      for await (const chunk of llm.generateStreaming("x")) chunks.push(chunk);
      return chunks;
    });
    setTimeout(() => controller.abort(), 20);
    await expect(pending).rejects.toBeInstanceOf(LLMAbortedError);
    // Outside the scope, calls are unaffected.
    expect(await new MockLLM().generate("still works")).toBe("still works");
  });
});

describe("MockLLM refusals", () => {
  it("refuses as a real provider does: the refusal is the answer, finishReason 'refusal'", async () => {
    const llm = new MockLLM({ refusal: "I won't do that." });
    expect(await llm.generateWithMetadata("x")).toMatchObject({ content: "I won't do that.", refusal: "I won't do that.", finishReason: "refusal", toolCalls: [] });
    const stream = llm.generateStreaming("x");
    const chunks: string[] = [];
    for await (const chunk of stream) chunks.push(chunk);
    expect(chunks).toEqual(["I won't do that."]);
    expect([await stream.refusal, await stream.finishReason]).toEqual(["I won't do that.", "refusal"]);
    const items: unknown[] = [];
    for await (const item of llm.generateStreaming("x", { includeRefusal: true })) items.push(item);
    expect(items).toEqual([{ type: "refusal", text: "I won't do that." }]);
  });
});
