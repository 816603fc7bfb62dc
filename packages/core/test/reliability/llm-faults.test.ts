/**
 * The LLM layer under the faults the provider contract suite does not already cover, for all four
 * providers through their official SDKs: connection refused, 500/502/503 until the retries run out,
 * one huge chunk, a slow drip. And, for every fault, what `generateStreaming` leaves the caller with
 * (the partial text on `stream.textSoFar`, `done` false, totals that reject with the error) and that the thrown error — message, stack,
 * every property, the whole `cause` chain as `util.inspect` prints it — never holds the API key.
 */
import { createServer } from "node:net";
import { inspect } from "node:util";
import { LLMConnectionError, type LLMError, LLMResponseError, LLMStatusError, LLMTimeoutError, type LLMStream } from "../../src";
import { type MockReply, type MockUpstreamServer } from "../../src/testing";
import { VALID_KEY, WRONG_KEY, harnesses } from "../provider-harnesses";
import { drain } from "../drain";

/** Everything an error exposes, as a developer would log or print it. */
function everythingAbout(error: unknown): string {
  const own = error && typeof error === "object" ? Object.fromEntries(Object.getOwnPropertyNames(error).map((name) => [name, (error as Record<string, unknown>)[name]])) : {};
  return [inspect(error, { depth: 20, showHidden: true }), JSON.stringify(own, (_key, value) => (typeof value === "bigint" ? String(value) : value)), String((error as Error)?.stack)].join("\n");
}

async function closedOrigin(): Promise<string> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, "127.0.0.1", resolve));
  const { port } = probe.address() as { port: number };
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return `http://127.0.0.1:${port}`;
}

/** A stand-in "server" for createLLM whose address refuses connections. */
function refusingServer(origin: string): MockUpstreamServer {
  return { origin, url: `${origin}/v1` } as unknown as MockUpstreamServer;
}

const HUGE_TEXT = "Zażółć gęślą jaźń 😀 日本語 e\u0301 ✓ ".repeat(120_000); // ~5 MB of UTF-8

describe.each(harnesses)("$name: faults through the official SDK", (harness) => {
  let server: MockUpstreamServer;
  let refused: string;

  beforeAll(async () => {
    server = await harness.startServer({ apiKey: harness.usesApiKey ? VALID_KEY : undefined });
    refused = await closedOrigin();
  });
  afterAll(() => server.close());
  beforeEach(() => {
    server.requests.length = 0;
  });

  it("connection refused: LLMConnectionError, retryable, retried with backoff before giving up", async () => {
    const retried = Date.now();
    const { error } = await drain(harness.createLLM(refusingServer(refused), { maxRetries: 2, retryPolicy: { initialDelayMs: 100, maxDelayMs: 1_000 } }).generateStreaming("Hi"));
    const elapsedWithRetries = Date.now() - retried;
    expect(error).toBeInstanceOf(LLMConnectionError);
    expect(error).toMatchObject({ retryable: true, provider: harness.name });
    expect((error as Error).message).toMatch(/ECONNREFUSED/);
    // One sentence: "Connection error: fetch failed: connect ECONNREFUSED …", never "Connection error.: fetch failed".
    expect((error as Error).message).not.toMatch(/[.!?;,]\s*:|:\s*[.:;,]/);
    // Two backoffs of at least 0.75 × 100 and 0.75 × 200 ms: the attempts really were repeated.
    expect(elapsedWithRetries).toBeGreaterThanOrEqual(225);
    expect(everythingAbout(error)).not.toContain(VALID_KEY);
  });

  it.each([500, 502, 503])("%i until the retries run out: LLMStatusError with the status, after 1 + maxRetries requests", async (status) => {
    server.enqueue(...Array.from({ length: 3 }, (): MockReply => ({ status, errorMessage: `upstream ${status}` })));
    const stream = harness.createLLM(server, { maxRetries: 2 }).generateStreaming("Hi");
    const { items, error } = await drain(stream);
    expect(items).toEqual([]);
    expect(error).toBeInstanceOf(LLMStatusError);
    expect(error).toMatchObject({ statusCode: status, retryable: true, provider: harness.name });
    expect(server.requests).toHaveLength(3);
    expect(stream.done).toBe(false);
  });

  it("one huge chunk (5 MB in a single frame) arrives whole and intact", async () => {
    server.enqueue({ text: [HUGE_TEXT] });
    const stream = harness.createLLM(server).generateStreaming("Hi");
    const { items, error } = await drain(stream);
    expect(error).toBeUndefined();
    expect(items.join("")).toBe(HUGE_TEXT);
    expect(await stream.text).toBe(HUGE_TEXT);
    expect(stream.done).toBe(true);
  });

  it("a slow drip of tiny chunks, longer in total than idleTimeoutMs, arrives complete and in order", async () => {
    const chunks = Array.from("ząb 🦷 水滴 e\u0301 — drip, drip, drip, drip.");
    server.enqueue({ text: chunks, chunkDelayMs: 5, byteChunkSize: 16 });
    const started = Date.now();
    const { items, error } = await drain(harness.createLLM(server, { idleTimeoutMs: 150 }).generateStreaming("Hi"));
    expect(error).toBeUndefined();
    expect(items).toEqual(chunks);
    expect(Date.now() - started).toBeGreaterThan(150);
  });

  describe("what the caller is left with, and no key in any error", () => {
    const faults: Array<{ name: string; reply?: MockReply; settings?: object; refused?: boolean; partial: string; type: new (...args: any[]) => LLMError; message?: RegExp }> = [
      { name: "connection refused", refused: true, settings: { maxRetries: 0 }, partial: "", type: LLMConnectionError },
      { name: "reset before headers", reply: { fault: "reset-before-headers" }, settings: { maxRetries: 0 }, partial: "", type: LLMConnectionError },
      { name: "reset after the first chunk", reply: { text: ["first", " second"], fault: "reset-after-first-chunk" }, partial: "first", type: LLMConnectionError },
      { name: "stall before the first byte", reply: { fault: "stall-before-first-byte" }, settings: { maxRetries: 0, timeoutMs: 150 }, partial: "", type: LLMTimeoutError, message: /no response within 150 ms \(timeoutMs\)/ },
      { name: "stall mid-stream", reply: { text: ["first", " second"], fault: "stall-after-first-chunk" }, settings: { idleTimeoutMs: 150 }, partial: "first", type: LLMTimeoutError, message: /the stream went silent for 150 ms \(idleTimeoutMs\)/ },
      { name: "no terminator", reply: { text: ["partial", " answer"], fault: "no-terminator" }, partial: "partial answer", type: LLMResponseError },
      { name: "503", reply: { status: 503, errorMessage: `overloaded, key ${VALID_KEY}` }, settings: { maxRetries: 0 }, partial: "", type: LLMStatusError },
    ];

    it.each(faults)("$name", async (fault) => {
      if (fault.reply) server.enqueue(fault.reply);
      const llm = harness.createLLM(fault.refused ? refusingServer(refused) : server, fault.settings);
      const stream: LLMStream = llm.generateStreaming("Hi");
      const { items, error } = await drain(stream);
      expect(error).toBeInstanceOf(fault.type);
      if (fault.message) expect((error as Error).message).toMatch(fault.message);
      expect(items.join("")).toBe(fault.partial);
      expect(stream.textSoFar).toBe(fault.partial);
      expect(stream.done).toBe(false);
      // A failed stream has no totals: they reject with the error the loop saw.
      await expect(stream.text).rejects.toBe(error);
      await expect(stream.usage).rejects.toBe(error);
      expect(everythingAbout(error)).not.toContain(VALID_KEY);
    });

    it("401 whose body echoes the wrong key it was sent", async () => {
      if (!harness.usesApiKey) server.enqueue({ status: 401, errorMessage: `unauthorized ${WRONG_KEY}` });
      const { error } = await drain(harness.createLLM(server, { apiKey: WRONG_KEY }).generateStreaming("Hi"));
      const text = everythingAbout(error);
      expect(text).not.toContain(WRONG_KEY);
      expect(text).not.toContain(VALID_KEY);
    });
  });
});
