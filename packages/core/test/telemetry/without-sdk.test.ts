/**
 * @opentelemetry/api installed, no SDK registered (the common case for a library): a call asks
 * for no telemetry object at all, so it costs one check.
 */
import { MockLLM } from "../../src";
import { type LLMRequest } from "../../src/llm/llm-request";
import { startLLMCall } from "../../src/telemetry/llm-call-telemetry";

const request: LLMRequest = { messages: [{ role: "user", content: "Hi" }], options: {} };

it("starts no call telemetry without an SDK, after loading the API once", async () => {
  const first = startLLMCall({ provider: "mock", modelName: "m" }, request, true);
  expect(first).toBeInstanceOf(Promise);
  expect(await first).toBeUndefined();
  // Loaded: from now on the answer is synchronous.
  expect(startLLMCall({ provider: "mock", modelName: "m" }, request, true)).toBeUndefined();
});

it("streams as usual", async () => {
  const chunks: string[] = [];
  for await (const chunk of new MockLLM().generateStreaming("hello there")) chunks.push(chunk);
  expect(chunks.join("")).toBe("hello there");
});
