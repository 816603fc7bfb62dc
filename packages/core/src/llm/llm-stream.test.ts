import { runInThisContext } from "node:vm";
import { LLMAbortedError, LLMEmptyResponseError } from "../errors/llm-error";
import { MockLLM } from "../mock/mock-llm";

async function drain<T>(stream: AsyncIterable<T>): Promise<T[]> {
  const items: T[] = [];
  for await (const item of stream) items.push(item);
  return items;
}

describe("LLMStream totals: promises that cannot be read too early", () => {
  it("resolve after the loop with the whole answer, usage, finish reason and metadata", async () => {
    const stream = new MockLLM({ usage: { promptTokens: 4, completionTokens: 2 } }).generateStreaming("two words");
    expect(await drain(stream)).toEqual(["two ", "words"]);
    expect(await stream.text).toBe("two words");
    expect(await stream.usage).toEqual({ promptTokens: 4, completionTokens: 2, totalTokens: 6 });
    expect(await stream.finishReason).toBe("stop");
    expect(await stream.metadata).toEqual({ provider: "mock", model: "mock", retries: 0 });
    expect(await stream.toolCalls).toEqual([]);
    expect(await stream.reasoning).toBe("");
    expect(stream.done).toBe(true);
  });

  it("are still pending while the loop runs: a total is never a partial value", async () => {
    const stream = new MockLLM({ response: "a b c" }).generateStreaming("x");
    const observed: string[] = [];
    for await (const chunk of stream) {
      let settled = false;
      void stream.text.then(() => (settled = true));
      await new Promise((resolve) => setImmediate(resolve));
      observed.push(`${chunk.trim()}:${settled ? "settled" : "pending"}`);
    }
    expect(observed).toEqual(["a:pending", "b:pending", "c:pending"]);
    expect(stream.textSoFar).toBe("a b c");
  });

  it("read an unread stream for you, once; iterating it afterwards says why it cannot", async () => {
    const llm = new MockLLM({ usage: { promptTokens: 1, completionTokens: 3 } });
    const stream = llm.generateStreaming("never looped over");
    expect(await stream.usage).toEqual({ promptTokens: 1, completionTokens: 3, totalTokens: 4 });
    expect(await stream.text).toBe("never looped over");
    expect(llm.calls).toHaveLength(1);
    expect(() => stream[Symbol.asyncIterator]()).toThrow(/already being read: one of its totals was awaited before the loop began/);
    expect(await new MockLLM().generateStreaming("just the text").text).toBe("just the text");
  });

  it("reject with an LLMAbortedError when the loop stopped before the end", async () => {
    const stream = new MockLLM({ response: "one two three" }).generateStreaming("x");
    for await (const chunk of stream) {
      expect(chunk).toBe("one ");
      break;
    }
    await expect(stream.usage).rejects.toBeInstanceOf(LLMAbortedError);
    await expect(stream.text).rejects.toThrow("mock (mock): the stream was closed before it finished, so it has no totals");
    expect(stream.done).toBe(false);
  });

  it("reject with the stream's own error, and cause no unhandled rejection when nobody reads them", async () => {
    // Jest's `process` is a copy whose `on()` never sees the real process's events.
    const realProcess = runInThisContext("process") as NodeJS.Process;
    const rejections: unknown[] = [];
    const record = (reason: unknown) => void rejections.push(reason);
    realProcess.on("unhandledRejection", record);
    try {
      const unread = new MockLLM({ response: "" }).generateStreaming("x");
      await expect(drain(unread)).rejects.toBeInstanceOf(LLMEmptyResponseError);
      // Looked at (say, by a duck-typing check) but never awaited.
      expect(typeof unread.usage.then).toBe("function");
      const stopped = new MockLLM({ response: "a b" }).generateStreaming("x");
      for await (const chunk of stopped) if (chunk) break;
      expect(stopped.text).toBe(stopped.text);
      await new Promise((resolve) => setTimeout(resolve, 20));
      expect(rejections).toEqual([]);

      const read = new MockLLM({ response: "" }).generateStreaming("x");
      const error = await drain(read).catch((thrown: unknown) => thrown);
      await expect(read.finishReason).rejects.toBe(error);
    } finally {
      realProcess.off("unhandledRejection", record);
    }
  });
});
