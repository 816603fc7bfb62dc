/**
 * A chat turn as OpenTelemetry sees it, through RagbitsAPI and LiteLLM against the OpenAI mock
 * upstream (real SDK), on both adapters: a `ragbits.chat.turn` span per turn with the model calls
 * and tool runs as its children, its outcome (completed, aborted, error), the chat metrics, log
 * lines carrying the trace id, content only when asked for, and never an API key.
 */
import { type IncomingMessage, type ServerResponse, createServer } from "node:http";
import { type AddressInfo } from "node:net";
import { SpanKind, SpanStatusCode, context, trace } from "@opentelemetry/api";
import { type ChatFormat, LiteLLM, configureTelemetry, runTools, tool } from "@ragbits/core";
import { OpenAIMockServer } from "@ragbits/core/testing";
import { z } from "zod";
import pino from "pino";
import { type ChatContext, ChatInterface, type ChatResponse, RagbitsAPI, traceLogFields } from "../../src";
import { describeSpan, installInMemoryTelemetry, parentId } from "../helpers/in-memory-telemetry";
import { TEST_SIGNER, parseSse, postChat, startApi, waitFor } from "../helpers/start-api";

const telemetry = installInMemoryTelemetry();
const KEY = "sk-chat-telemetry-sentinel-000111";
let upstream: OpenAIMockServer;

beforeAll(async () => {
  upstream = await OpenAIMockServer.start();
});
afterAll(() => upstream.close());
beforeEach(async () => {
  await telemetry.reset();
  configureTelemetry({ captureContent: false });
});

function llm(settings: { maxRetries?: number } = {}) {
  return new LiteLLM({ modelName: "gpt-4o-mini", apiKey: KEY, baseUrl: upstream.url, retryPolicy: { initialDelayMs: 4, maxDelayMs: 8 }, ...settings });
}

class StreamingChat extends ChatInterface {
  llm = llm();
  async *chat(message: string, history: ChatFormat, _context: ChatContext): AsyncGenerator<ChatResponse> {
    for await (const chunk of this.llm.generateStreaming([...history, { role: "user", content: message }])) yield this.createTextResponse(chunk);
  }
}

const turnSpans = () => telemetry.spans().filter((span) => span.name === "ragbits.chat.turn");
const childrenOf = (spanId: string) => telemetry.spans().filter((span) => parentId(span) === spanId);

it("traces a streamed turn: one turn span with the model call as its child, and the chat metrics", async () => {
  upstream.enqueue({ text: ["Hel", "lo ", "there"], usage: { promptTokens: 20, completionTokens: 3 } });
  const server = await startApi(StreamingChat);
  try {
    const history = [
      { role: "user", content: "Hi" },
      { role: "assistant", content: "Hello!" },
    ];
    const result = await postChat(server.url, { message: "Say hello", history, context: { conversation_id: "conv-1" } });
    expect(result.events.map((event) => event.type)).toEqual(["message_id", "text", "text", "text"]);
    const messageId = result.events[0]!.content.message_id as string;
    await waitFor(() => turnSpans().length === 1, 2_000, "the turn span");

    const [turn] = turnSpans();
    expect(parentId(turn!)).toBeUndefined();
    expect(describeSpan(turn!)).toEqual({
      name: "ragbits.chat.turn",
      kind: SpanKind.INTERNAL,
      attributes: {
        "gen_ai.conversation.id": "conv-1",
        "ragbits.chat.message_id": messageId,
        "ragbits.chat.name": "StreamingChat",
        "ragbits.chat.history.length": 2,
        "ragbits.chat.outcome": "completed",
        "ragbits.chat.events_sent": 3,
      },
      status: { code: SpanStatusCode.UNSET },
      events: [{ name: "ragbits.chat.first_token" }],
    });
    const children = childrenOf(turn!.spanContext().spanId);
    expect(children.map((span) => span.name)).toEqual(["chat gpt-4o-mini"]);
    expect(children[0]!.attributes).toMatchObject({
      "gen_ai.operation.name": "chat",
      "gen_ai.provider.name": "openai",
      "gen_ai.conversation.id": "conv-1",
      "gen_ai.usage.input_tokens": 20,
      "gen_ai.usage.output_tokens": 3,
      "gen_ai.response.finish_reasons": ["stop"],
    });
    expect(children[0]!.spanContext().traceId).toBe(turn!.spanContext().traceId);

    const chat = { "ragbits.chat.name": "StreamingChat" };
    const turns = await telemetry.points("ragbits.chat.turns");
    expect(turns.map((point) => [point.attributes, point.value])).toEqual([[{ ...chat, "ragbits.chat.outcome": "completed" }, 1]]);
    const active = await telemetry.points("ragbits.chat.active_streams");
    expect(active.map((point) => point.value)).toEqual([0]);
    const historyLength = await telemetry.points("ragbits.chat.history.length");
    expect(historyLength.map((point) => (point.value as { sum: number; count: number }).sum)).toEqual([2]);
    const firstToken = await telemetry.points("ragbits.chat.turn.time_to_first_token");
    expect(firstToken.map((point) => (point.value as { count: number }).count)).toEqual([1]);
    const duration = await telemetry.points("ragbits.chat.turn.duration");
    expect((duration[0]!.value as { max: number }).max).toBeGreaterThanOrEqual((firstToken[0]!.value as { max: number }).max);
  } finally {
    await server.close();
  }
});

it("records a client that went away as an aborted turn, whose model call was aborted", async () => {
  upstream.enqueue({ text: Array.from({ length: 100 }, (_, index) => `w${index} `), chunkDelayMs: 15 });
  const server = await startApi(StreamingChat);
  try {
    const controller = new AbortController();
    const response = await fetch(`${server.url}/api/chat`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ message: "long answer" }), signal: controller.signal });
    const reader = response.body!.getReader();
    const decoder = new TextDecoder();
    let raw = "";
    while (!raw.includes("w2 ")) raw += decoder.decode((await reader.read()).value, { stream: true });
    controller.abort();
    await waitFor(() => turnSpans().length === 1, 3_000, "the turn span");

    const [turn] = turnSpans();
    expect(turn!.attributes["ragbits.chat.outcome"]).toBe("aborted");
    expect(turn!.status.code).toBe(SpanStatusCode.UNSET);
    expect(turn!.attributes["error.type"]).toBeUndefined();
    // The summary of this new conversation is the first-words one (no model call): one child.
    const [call] = childrenOf(turn!.spanContext().spanId);
    await waitFor(() => call !== undefined, 1_000, "the model call's span");
    expect(call!.attributes["error.type"]).toBe("LLMAbortedError");
    const turns = await telemetry.points("ragbits.chat.turns");
    expect(turns.map((point) => point.attributes["ragbits.chat.outcome"])).toEqual(["aborted"]);
    expect((await telemetry.points("ragbits.chat.active_streams")).map((point) => point.value)).toEqual([0]);
  } finally {
    await server.close();
  }
});

it("records an error mid-stream on the turn and the call, and the failure's log line carries the turn's trace and span ids", async () => {
  upstream.enqueue({ text: ["partial ", "answer"], fault: "error-after-first-chunk", streamErrorStatus: 500, errorMessage: "the model crashed" });
  class FailingChat extends StreamingChat {
    override llm = llm({ maxRetries: 0 });
  }
  // Your own pino logger gets the ids with the same mixin the built-in one uses.
  const logs: Array<Record<string, unknown>> = [];
  const logger = pino({ mixin: traceLogFields }, { write: (line: string) => void logs.push(JSON.parse(line)) });
  const server = await startApi(FailingChat, { logger });
  try {
    const result = await postChat(server.url, { message: "hello", context: { conversation_id: "conv-err" } });
    expect(result.events.map((event) => event.type)).toEqual(["message_id", "text", "error"]);
    await waitFor(() => turnSpans().length === 1, 2_000, "the turn span");

    const [turn] = turnSpans();
    expect(turn!.attributes).toMatchObject({ "ragbits.chat.outcome": "error", "ragbits.chat.events_sent": 2, "error.type": "LLMResponseError" });
    expect(turn!.status).toEqual({ code: SpanStatusCode.ERROR, message: expect.stringContaining("the model crashed") });
    const [call] = childrenOf(turn!.spanContext().spanId);
    expect(call!.attributes["error.type"]).toBe("LLMResponseError");
    const logged = logs.find((line) => line.msg === "chat() failed");
    expect(logged).toMatchObject({ trace_id: turn!.spanContext().traceId, span_id: turn!.spanContext().spanId, trace_flags: "01" });
    const turns = await telemetry.points("ragbits.chat.turns");
    expect(turns.map((point) => point.attributes)).toEqual([{ "ragbits.chat.name": "FailingChat", "ragbits.chat.outcome": "error", "error.type": "LLMResponseError" }]);
  } finally {
    await server.close();
  }
});

it("records a retried model call as one span with a retry event per failed attempt", async () => {
  upstream.enqueue({ status: 503 }, { status: 429, headers: { "retry-after-ms": "3" } }, { text: "recovered" });
  const server = await startApi(StreamingChat);
  try {
    const result = await postChat(server.url, { message: "hello", context: { conversation_id: "conv-retry" } });
    expect(result.events.at(-1)).toEqual({ type: "text", content: { text: "recovered" } });
    await waitFor(() => turnSpans().length === 1, 2_000, "the turn span");
    const [call] = childrenOf(turnSpans()[0]!.spanContext().spanId);
    expect(call!.events.map((event) => [event.name, event.attributes?.["http.response.status_code"]])).toEqual([
      ["ragbits.llm.retry", 503],
      ["ragbits.llm.retry", 429],
      ["ragbits.llm.first_chunk", undefined],
    ]);
    expect(call!.events[1]!.attributes!["ragbits.retry.delay"]).toBe(0.003);
    expect(call!.attributes["ragbits.llm.retries"]).toBe(2);
    expect(call!.status.code).toBe(SpanStatusCode.UNSET);
  } finally {
    await server.close();
  }
});

describe("a tool loop", () => {
  const weather = tool({ name: "get_weather", description: "Weather in a city", parameters: z.object({ city: z.string() }), execute: ({ city }) => `${city}: rain` });
  class ToolChat extends ChatInterface {
    llm = llm();
    async *chat(message: string, history: ChatFormat): AsyncGenerator<ChatResponse> {
      for await (const item of runTools(this.llm, [...history, { role: "user", content: message }], { tools: [weather] })) {
        if (typeof item === "string") yield this.createTextResponse(item);
      }
    }
  }

  async function runTurn(): Promise<void> {
    upstream.enqueue({ toolCalls: [{ id: "call_1", name: "get_weather", arguments: { city: "Paris" } }] }, { text: "It rains in Paris." });
    const server = await startApi(ToolChat);
    try {
      const result = await postChat(server.url, { message: "Weather in Paris?", context: { conversation_id: "conv-tools" } });
      expect(result.events.at(-1)).toEqual({ type: "text", content: { text: "It rains in Paris." } });
      await waitFor(() => turnSpans().length === 1, 2_000, "the turn span");
    } finally {
      await server.close();
    }
  }

  it("nests the model calls and the tool run under the turn, in order, without content", async () => {
    await runTurn();
    const [turn] = turnSpans();
    const children = childrenOf(turn!.spanContext().spanId);
    expect(children.map((span) => span.name)).toEqual(["chat gpt-4o-mini", "execute_tool get_weather", "chat gpt-4o-mini"]);
    expect(children[1]!.attributes).toEqual({
      "gen_ai.operation.name": "execute_tool",
      "gen_ai.tool.name": "get_weather",
      "gen_ai.tool.type": "function",
      "gen_ai.tool.call.id": "call_1",
      "gen_ai.tool.description": "Weather in a city",
    });
    expect(children[0]!.attributes["gen_ai.response.finish_reasons"]).toEqual(["tool_calls"]);
    const recorded = JSON.stringify(telemetry.spans().map((span) => ({ attributes: span.attributes, events: span.events })));
    expect(recorded).not.toContain("Paris");
    expect(recorded).not.toContain("gen_ai.input.messages");
  });

  it("records prompts, answers and tool arguments and results when content capture is on (RagbitsAPI's telemetry option)", async () => {
    const api = new RagbitsAPI(ToolChat, { stateSigner: TEST_SIGNER, telemetry: { captureContent: true } });
    await api.setup();
    await api.close();
    await runTurn();
    const children = childrenOf(turnSpans()[0]!.spanContext().spanId);
    expect(JSON.parse(children[0]!.attributes["gen_ai.input.messages"] as string)).toEqual([{ role: "user", parts: [{ type: "text", content: "Weather in Paris?" }] }]);
    expect(children[1]!.attributes["gen_ai.tool.call.arguments"]).toBe('{"city":"Paris"}');
    expect(children[1]!.attributes["gen_ai.tool.call.result"]).toBe("Paris: rain");
    expect(JSON.parse(children[2]!.attributes["gen_ai.output.messages"] as string)).toEqual([{ role: "assistant", parts: [{ type: "text", content: "It rains in Paris." }], finish_reason: "stop" }]);
  });
});

it("makes the turn a child of the span active where the request is handled (an HTTP server span)", async () => {
  upstream.enqueue({ text: "hi" });
  const api = new RagbitsAPI(StreamingChat, { stateSigner: TEST_SIGNER });
  await api.setup();
  const tracer = trace.getTracer("http-instrumentation");
  // What HTTP instrumentation does: a SERVER span per request, active while the handler runs.
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const span = tracer.startSpan(`${req.method} ${req.url}`, { kind: SpanKind.SERVER });
    res.on("close", () => span.end());
    context.with(trace.setSpan(context.active(), span), () => void api.handleNode(req, res));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  try {
    const result = await postChat(`http://127.0.0.1:${(server.address() as AddressInfo).port}`, { message: "hello", context: { conversation_id: "conv-http" } });
    expect(parseSse(result.raw).at(-1)).toEqual({ type: "text", content: { text: "hi" } });
    await waitFor(() => telemetry.spans().some((span) => span.kind === SpanKind.SERVER), 2_000, "the server span");
    const serverSpan = telemetry.spans().find((span) => span.kind === SpanKind.SERVER)!;
    const [turn] = turnSpans();
    expect(parentId(turn!)).toBe(serverSpan.spanContext().spanId);
    expect(childrenOf(turn!.spanContext().spanId).map((span) => span.name)).toEqual(["chat gpt-4o-mini"]);
  } finally {
    await api.close();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
});

it("never records the API key, even with content capture on and an upstream that echoes it", async () => {
  configureTelemetry({ captureContent: true });
  const guarded = await OpenAIMockServer.start({ apiKey: "sk-the-key-the-upstream-wants-0" });
  class RejectedChat extends ChatInterface {
    llm = new LiteLLM({ modelName: "gpt-4o-mini", apiKey: KEY, baseUrl: guarded.url, maxRetries: 0 });
    async *chat(message: string): AsyncGenerator<ChatResponse> {
      yield this.createTextResponse(await this.llm.generate(message));
    }
  }
  const server = await startApi(RejectedChat, { debugMode: true });
  try {
    const result = await postChat(server.url, { message: "hello", context: { conversation_id: "conv-key" } });
    expect(result.events.map((event) => event.type)).toEqual(["message_id", "error"]);
    await waitFor(() => turnSpans().length === 1, 2_000, "the turn span");
    const recorded = JSON.stringify(telemetry.spans().map((span) => ({ name: span.name, attributes: span.attributes, events: span.events, status: span.status })));
    expect(recorded).toContain("Incorrect API key provided");
    expect(recorded).toContain("LLMAuthenticationError");
    expect(recorded).not.toContain(KEY);
    expect(recorded).not.toContain("telemetry-sentinel");
  } finally {
    await server.close();
    await guarded.close();
  }
});
