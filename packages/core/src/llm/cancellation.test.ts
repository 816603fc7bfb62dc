import { getEventListeners } from "node:events";
import { setTimeout as sleep } from "node:timers/promises";
import { LLMAbortedError, LLMConnectionError } from "../errors/llm-error";
import { MockLLM } from "../mock/mock-llm";
import { runWithAbortSignal } from "./abort-scope";
import { LLM } from "./llm";
import { type LLMRequest, type ProviderGenerateResult } from "./llm-request";
import { type StreamPart } from "./stream-part";

async function collect(stream: AsyncIterable<string>): Promise<string[]> {
  const chunks: string[] = [];
  for await (const chunk of stream) chunks.push(chunk);
  return chunks;
}

/** Fails its first `failures` attempts with a retryable error, then answers; records each attempt's signal. */
class FlakyLLM extends LLM {
  readonly provider = "flaky";
  readonly signals: AbortSignal[] = [];
  readonly abortedAtStart: boolean[] = [];
  constructor(
    private failures: number,
    backoffMs = 5,
  ) {
    super("flaky", { retryPolicy: { initialDelayMs: backoffMs, maxDelayMs: backoffMs } });
  }
  async doGenerate(_request: LLMRequest, signal: AbortSignal): Promise<ProviderGenerateResult> {
    this.signals.push(signal);
    this.abortedAtStart.push(signal.aborted);
    if (this.failures-- > 0) throw new LLMConnectionError({ provider: "flaky", model: "flaky", message: "reset" });
    return { content: "ok", reasoning: null, toolCalls: [], usage: null, finishReason: "stop", metadata: {} };
  }
  async *doStream(): AsyncGenerator<StreamPart> {
    yield { type: "finish", finishReason: "stop" };
  }
}

describe("one cancellation path: the caller's signal and the ambient one, heard by the call itself", () => {
  it("cancels a call made after an await inside runWithAbortSignal, with no signal passed", async () => {
    const controller = new AbortController();
    const llm = new MockLLM({ response: "one two three", chunkDelayMs: 1_000 });
    const pending = runWithAbortSignal(controller.signal, async () => {
      await sleep(10);
      return collect(llm.generateStreaming("x"));
    });
    setTimeout(() => controller.abort(), 40);
    const started = Date.now();
    await expect(pending).rejects.toBeInstanceOf(LLMAbortedError);
    expect(Date.now() - started).toBeLessThan(900);
  });

  it("lets the caller's own signal cancel a call inside the scope, and the scope cancel a call that has its own signal", async () => {
    const slow = () => new MockLLM({ response: "one two three", chunkDelayMs: 1_000 });
    const ambient = new AbortController();
    const own = new AbortController();
    const byOwn = runWithAbortSignal(ambient.signal, () => collect(slow().generateStreaming("x", { signal: own.signal })));
    setTimeout(() => own.abort(), 20);
    await expect(byOwn).rejects.toBeInstanceOf(LLMAbortedError);
    expect(ambient.signal.aborted).toBe(false);

    const stillOwn = new AbortController();
    const byAmbient = runWithAbortSignal(ambient.signal, () => slow().generate("x", { signal: stillOwn.signal }));
    setTimeout(() => ambient.abort(), 20);
    await expect(byAmbient).rejects.toBeInstanceOf(LLMAbortedError);
    expect(stillOwn.signal.aborted).toBe(false);
  });

  it("gives every retry a fresh, unaborted signal", async () => {
    const llm = new FlakyLLM(2);
    const result = await runWithAbortSignal(new AbortController().signal, () => llm.generateWithMetadata("x"));
    expect(result.metadata.retries).toBe(2);
    expect(new Set(llm.signals).size).toBe(3);
    expect(llm.abortedAtStart).toEqual([false, false, false]);
  });

  it("stops a backoff at once when the ambient signal aborts", async () => {
    const llm = new FlakyLLM(1, 5_000);
    const controller = new AbortController();
    const pending = runWithAbortSignal(controller.signal, () => llm.generate("x"));
    setTimeout(() => controller.abort(), 30);
    const started = Date.now();
    await expect(pending).rejects.toBeInstanceOf(LLMAbortedError);
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(llm.signals).toHaveLength(1);
  });

  it("leaves no listener behind on the signals, however many calls a scope makes", async () => {
    const ambient = new AbortController();
    const own = new AbortController();
    const llm = new MockLLM();
    await runWithAbortSignal(ambient.signal, async () => {
      for (let index = 0; index < 50; index++) {
        await llm.generate("x", { signal: own.signal });
        await collect(llm.generateStreaming("y"));
      }
    });
    expect(getEventListeners(ambient.signal, "abort")).toHaveLength(0);
    expect(getEventListeners(own.signal, "abort")).toHaveLength(0);
  });
});
