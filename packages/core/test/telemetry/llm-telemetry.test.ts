/**
 * Model calls as OpenTelemetry sees them, through the real OpenAI SDK against a loopback upstream:
 * one CLIENT span per call (all its attempts) with the GenAI conventions' attributes, events for
 * the first chunk and each retry, the GenAI client metrics, tool runs as child spans, content only
 * when asked for, and never an API key.
 */
import { SpanKind, SpanStatusCode, context, trace } from "@opentelemetry/api";
import { z } from "zod";
import { LLMStatusError, OpenAILLM, type OpenAILLMSettings, configureTelemetry, runTools, tool } from "../../src";
import { OpenAIMockServer } from "../../src/testing";
import { describeSpan, installInMemoryTelemetry, parentId } from "./in-memory-telemetry";

const telemetry = installInMemoryTelemetry();
const KEY = "sk-telemetry-sentinel-0123456789";
let server: OpenAIMockServer;

beforeAll(async () => {
  server = await OpenAIMockServer.start();
});
afterAll(() => server.close());
beforeEach(async () => {
  await telemetry.reset();
  configureTelemetry({ captureContent: false });
});

function model(settings: Partial<OpenAILLMSettings> = {}) {
  return new OpenAILLM({ modelName: "gpt-4o-mini", apiKey: KEY, baseUrl: server.url, retryPolicy: { initialDelayMs: 4, maxDelayMs: 8 }, ...settings });
}

async function drain(stream: AsyncIterable<unknown>): Promise<void> {
  for await (const _ of stream);
}

it("traces a streamed call as one CLIENT span with request, response and usage attributes and a first-chunk event", async () => {
  server.enqueue({ text: ["Hel", "lo"], model: "gpt-4o-mini-2024-07-18", usage: { promptTokens: 40, completionTokens: 7, cachedPromptTokens: 32, reasoningTokens: 3 } });
  await drain(model({ defaultOptions: { temperature: 0.2, maxTokens: 50, topP: 0.9, stop: "END", seed: 7 } }).generateStreaming("Hi"));

  const [span] = telemetry.spans();
  expect(telemetry.spans()).toHaveLength(1);
  const described = describeSpan(span!);
  const responseId = span!.attributes["gen_ai.response.id"];
  expect(responseId).toMatch(/^chatcmpl-mock/);
  const timeToFirstChunk = span!.attributes["gen_ai.response.time_to_first_chunk"] as number;
  expect(timeToFirstChunk).toBeGreaterThan(0);
  expect(timeToFirstChunk).toBeLessThan((span!.duration[0] * 1e9 + span!.duration[1]) / 1e9);
  expect(described).toEqual({
    name: "chat gpt-4o-mini",
    kind: SpanKind.CLIENT,
    attributes: {
      "gen_ai.operation.name": "chat",
      "gen_ai.provider.name": "openai",
      "gen_ai.request.model": "gpt-4o-mini",
      "gen_ai.request.stream": true,
      "gen_ai.request.temperature": 0.2,
      "gen_ai.request.max_tokens": 50,
      "gen_ai.request.top_p": 0.9,
      "gen_ai.request.stop_sequences": ["END"],
      "gen_ai.request.seed": 7,
      "gen_ai.response.model": "gpt-4o-mini-2024-07-18",
      "gen_ai.response.id": responseId,
      "gen_ai.response.finish_reasons": ["stop"],
      "gen_ai.response.time_to_first_chunk": timeToFirstChunk,
      "gen_ai.usage.input_tokens": 40,
      "gen_ai.usage.output_tokens": 7,
      "gen_ai.usage.cache_read.input_tokens": 32,
      "gen_ai.usage.reasoning.output_tokens": 3,
    },
    status: { code: SpanStatusCode.UNSET },
    events: [{ name: "ragbits.llm.first_chunk" }],
  });
});

it("nests the call under the span active where it is made", async () => {
  server.enqueue({ text: "ok" });
  const parent = trace.getTracer("test").startSpan("turn");
  await context.with(trace.setSpan(context.active(), parent), () => model().generate("Hi"));
  parent.end();
  const [call, turn] = telemetry.spans();
  expect([call!.name, turn!.name]).toEqual(["chat gpt-4o-mini", "turn"]);
  expect(parentId(call!)).toBe(turn!.spanContext().spanId);
  expect(call!.spanContext().traceId).toBe(turn!.spanContext().traceId);
  expect(call!.attributes["gen_ai.request.stream"]).toBe(false);
  expect(call!.events).toEqual([]);
});

it("records each retry as an event with its status and wait, on the one span of the call", async () => {
  server.enqueue({ status: 429, headers: { "retry-after-ms": "5" } }, { status: 503 }, { text: "finally" });
  const stream = model().generateStreaming("Hi");
  await drain(stream);
  expect((await stream.metadata).retries).toBe(2);

  expect(telemetry.spans()).toHaveLength(1);
  const [span] = telemetry.spans();
  const [first, second, chunk] = span!.events;
  expect(first).toMatchObject({ name: "ragbits.llm.retry", attributes: { "ragbits.retry.attempt": 1, "ragbits.retry.delay": 0.005, "error.type": "LLMRateLimitError", "http.response.status_code": 429 } });
  expect(second).toMatchObject({ name: "ragbits.llm.retry", attributes: { "ragbits.retry.attempt": 2, "error.type": "LLMStatusError", "http.response.status_code": 503 } });
  // Backoff with jitter: 75–100 % of the second step (8 ms).
  expect(second!.attributes!["ragbits.retry.delay"]).toBeGreaterThanOrEqual(0.006);
  expect(second!.attributes!["ragbits.retry.delay"]).toBeLessThanOrEqual(0.008);
  expect(chunk!.name).toBe("ragbits.llm.first_chunk");
  expect(span!.attributes["ragbits.llm.retries"]).toBe(2);
  expect(span!.status.code).toBe(SpanStatusCode.UNSET);
});

it("marks a stream that fails after its first chunk as an error, with what had arrived", async () => {
  server.enqueue({ text: ["partial ", "answer"], fault: "error-after-first-chunk", streamErrorStatus: 500, errorMessage: "the model crashed" });
  const stream = model({ maxRetries: 0 }).generateStreaming("Hi");
  await expect(drain(stream)).rejects.toThrow("the model crashed");

  const [span] = telemetry.spans();
  expect(span!.attributes["error.type"]).toBe("LLMResponseError");
  expect(span!.attributes["gen_ai.response.id"]).toMatch(/^chatcmpl-mock/);
  expect(span!.attributes["gen_ai.response.finish_reasons"]).toBeUndefined();
  expect(span!.status).toEqual({ code: SpanStatusCode.ERROR, message: expect.stringContaining("the model crashed") });
  expect(span!.events.map((event) => event.name)).toEqual(["ragbits.llm.first_chunk", "exception"]);
});

it("records a stream the caller stopped reading as aborted", async () => {
  server.enqueue({ text: ["one ", "two ", "three"], chunkDelayMs: 20 });
  for await (const _ of model().generateStreaming("Hi")) break;
  const [span] = telemetry.spans();
  expect(span!.attributes["error.type"]).toBe("LLMAbortedError");
  expect(span!.status.code).toBe(SpanStatusCode.ERROR);
});

it("records nothing while telemetry is turned off", async () => {
  configureTelemetry({ enabled: false });
  try {
    server.enqueue({ text: "quiet" });
    await drain(model({ prices: { input: 1, output: 1 } }).generateStreaming("Hi"));
  } finally {
    configureTelemetry({ enabled: true });
  }
  expect(telemetry.spans()).toEqual([]);
  expect(await telemetry.points("gen_ai.client.operation.duration")).toEqual([]);
});

it("records the GenAI client metrics with low-cardinality attributes", async () => {
  server.enqueue({ text: ["a", "b"], usage: { promptTokens: 12, completionTokens: 2 } }, { status: 400, errorMessage: "bad request" });
  await drain(model({ prices: { input: 0.15, output: 0.6 } }).generateStreaming("Hi"));
  await expect(model().generate("Hi")).rejects.toThrow("bad request");

  const attributes = { "gen_ai.operation.name": "chat", "gen_ai.provider.name": "openai", "gen_ai.request.model": "gpt-4o-mini" };
  const durations = await telemetry.points("gen_ai.client.operation.duration");
  expect(durations.map((point) => point.attributes)).toEqual([
    { ...attributes, "gen_ai.response.model": "gpt-4o-mini" },
    { ...attributes, "error.type": "LLMBadRequestError" },
  ]);
  const [cost] = await telemetry.points("ragbits.client.estimated_cost");
  expect(cost!.attributes).toEqual({ ...attributes, "gen_ai.response.model": "gpt-4o-mini" });
  // $0.15 per million input tokens, $0.60 per million output tokens.
  expect(cost!.value).toBeCloseTo((12 * 0.15 + 2 * 0.6) / 1e6, 12);
  const tokens = await telemetry.points("gen_ai.client.token.usage");
  expect(tokens.map((point) => [point.attributes["gen_ai.token.type"], (point.value as { sum: number }).sum])).toEqual([
    ["input", 12],
    ["output", 2],
  ]);
  const firstChunk = await telemetry.points("gen_ai.client.operation.time_to_first_chunk");
  expect(firstChunk.map((point) => (point.value as { count: number }).count)).toEqual([1]);
});

describe("content", () => {
  const weather = tool({ name: "get_weather", description: "Weather in a city", parameters: z.object({ city: z.string() }), execute: ({ city }) => ({ city, sky: "rain" }) });

  it("is not recorded unless asked for", async () => {
    server.enqueue({ toolCalls: [{ id: "call_1", name: "get_weather", arguments: { city: "Paris" } }] }, { text: "Rainy." });
    await drain(runTools(model(), [{ role: "system", content: "Be brief." }, { role: "user", content: "Weather in Paris?" }], { tools: [weather] }));
    const names = telemetry.spans().flatMap((span) => Object.keys(span.attributes));
    for (const name of ["gen_ai.input.messages", "gen_ai.output.messages", "gen_ai.system_instructions", "gen_ai.tool.definitions", "gen_ai.tool.call.arguments", "gen_ai.tool.call.result"]) {
      expect(names).not.toContain(name);
    }
    expect(JSON.stringify(telemetry.spans().map(describeSpan))).not.toContain("Paris");
  });

  it("is recorded in the conventions' message shape when asked for", async () => {
    configureTelemetry({ captureContent: true });
    server.enqueue({ toolCalls: [{ id: "call_1", name: "get_weather", arguments: { city: "Paris" } }] }, { text: "Rainy." });
    await drain(runTools(model(), [{ role: "system", content: "Be brief." }, { role: "user", content: "Weather in Paris?" }], { tools: [weather] }));

    const [firstCall, toolSpan, secondCall] = telemetry.spans();
    expect(JSON.parse(firstCall!.attributes["gen_ai.input.messages"] as string)).toEqual([
      { role: "system", parts: [{ type: "text", content: "Be brief." }] },
      { role: "user", parts: [{ type: "text", content: "Weather in Paris?" }] },
    ]);
    expect(JSON.parse(firstCall!.attributes["gen_ai.output.messages"] as string)).toEqual([
      { role: "assistant", parts: [{ type: "tool_call", id: "call_1", name: "get_weather", arguments: { city: "Paris" } }], finish_reason: "tool_calls" },
    ]);
    expect(JSON.parse(firstCall!.attributes["gen_ai.tool.definitions"] as string)).toEqual([
      { type: "function", name: "get_weather", description: "Weather in a city", parameters: expect.objectContaining({ type: "object" }) },
    ]);
    expect(toolSpan!.attributes["gen_ai.tool.call.arguments"]).toBe('{"city":"Paris"}');
    expect(toolSpan!.attributes["gen_ai.tool.call.result"]).toBe('{"city":"Paris","sky":"rain"}');
    expect(JSON.parse(secondCall!.attributes["gen_ai.input.messages"] as string).slice(2)).toEqual([
      { role: "assistant", parts: [{ type: "tool_call", id: "call_1", name: "get_weather", arguments: { city: "Paris" } }] },
      { role: "tool", parts: [{ type: "tool_call_response", id: "call_1", response: '{"city":"Paris","sky":"rain"}' }] },
    ]);
    expect(JSON.parse(secondCall!.attributes["gen_ai.output.messages"] as string)).toEqual([{ role: "assistant", parts: [{ type: "text", content: "Rainy." }], finish_reason: "stop" }]);
  });
});

it("traces a tool loop: model calls and tool runs are siblings under the active span, a failing tool is an error", async () => {
  const lookup = tool({ name: "lookup", parameters: z.object({ id: z.number() }), execute: ({ id }) => (id === 2 ? Promise.reject(new Error("no such record")) : { id }) });
  server.enqueue(
    {
      toolCalls: [
        { id: "call_a", name: "lookup", arguments: { id: 1 } },
        { id: "call_b", name: "lookup", arguments: { id: 2 } },
      ],
    },
    { text: "Done." },
  );
  const parent = trace.getTracer("test").startSpan("turn");
  await context.with(trace.setSpan(context.active(), parent), () => drain(runTools(model(), "Look up 1 and 2", { tools: [lookup] })));
  parent.end();

  const spans = telemetry.spans();
  const turn = spans.find((span) => span.name === "turn")!;
  const children = spans.filter((span) => parentId(span) === turn.spanContext().spanId);
  expect(children.map((span) => span.name)).toEqual(["chat gpt-4o-mini", "execute_tool lookup", "execute_tool lookup", "chat gpt-4o-mini"]);
  const [, ok, failed] = children;
  expect(describeSpan(ok!)).toEqual({
    name: "execute_tool lookup",
    kind: SpanKind.INTERNAL,
    attributes: { "gen_ai.operation.name": "execute_tool", "gen_ai.tool.name": "lookup", "gen_ai.tool.type": "function", "gen_ai.tool.call.id": "call_a" },
    status: { code: SpanStatusCode.UNSET },
    events: [],
  });
  expect(failed!.attributes).toMatchObject({ "gen_ai.tool.call.id": "call_b", "error.type": "Error" });
  expect(failed!.status).toEqual({ code: SpanStatusCode.ERROR, message: "no such record" });
});

it("never records the API key, even when the provider's error repeats it", async () => {
  configureTelemetry({ captureContent: true });
  const guarded = await OpenAIMockServer.start({ apiKey: "sk-the-right-key-000000" });
  try {
    const llm = new OpenAILLM({ modelName: "gpt-4o-mini", apiKey: KEY, baseUrl: guarded.url, maxRetries: 0 });
    const failure = await llm.generate("Hi").catch((error: unknown) => error);
    expect(LLMStatusError.isInstance(failure) && failure.statusCode).toBe(401);
  } finally {
    await guarded.close();
  }
  server.enqueue({ text: "fine" });
  await drain(model().generateStreaming("Hi"));

  const recorded = JSON.stringify(telemetry.spans().map((span) => ({ ...describeSpan(span), events: span.events })));
  expect(recorded).toContain("Incorrect API key provided");
  expect(recorded).not.toContain(KEY);
  expect(recorded).not.toContain("telemetry-sentinel");
});
