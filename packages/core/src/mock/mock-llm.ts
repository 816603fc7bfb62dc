import { setTimeout as sleep } from "node:timers/promises";
import { LLM, type LLMSettings } from "../llm/llm";
import { type LLMRequest, type ProviderGenerateResult } from "../llm/llm-request";
import { type Usage, createUsage } from "../llm/llm-result";
import { type StreamPart } from "../llm/stream-part";
import { type ToolCall, createToolCall } from "../llm/tool-call";
import { type Message, contentText } from "../prompt/chat-format";

export interface MockToolCallScript {
  id?: string;
  name: string;
  arguments: Record<string, unknown> | string;
}

export interface MockLLMSettings extends LLMSettings {
  /** Default "mock". */
  modelName?: string | undefined;
  /** The full answer, or a function of the conversation. Streamed word by word unless `responseStream` is set. */
  response?: string | ((messages: readonly Message[]) => string) | undefined;
  /** The exact chunks to stream (their concatenation is also the non-streaming answer). */
  responseStream?: string[] | undefined;
  /** Pause before each streamed chunk, in ms (cancelled by aborts). */
  chunkDelayMs?: number | undefined;
  /**
   * Tool calls to make alongside the answer — until the conversation holds a tool result for one of
   * them after its last user message; then the model answers with text only, so an agent loop over
   * it ends (as Python Ragbits' MockLLM does). A new user message starts the script again.
   */
  toolCalls?: MockToolCallScript[] | ((messages: readonly Message[]) => MockToolCallScript[]) | undefined;
  /**
   * The answer to a structured-output request (the `output` option, a Prompt with an output schema):
   * a value, or a function of the conversation and request, sent as JSON in small chunks. Without
   * it a structured request gets the text answer as it is (script invalid JSON with `response`).
   */
  output?: unknown;
  reasoning?: string | undefined;
  /** Refuse with this explanation instead of answering (`finishReason: "refusal"`); "" refuses without one. */
  refusal?: string | undefined;
  /** Fixed usage; by default words of the prompt and chunks of the answer are counted. */
  usage?: Partial<Usage> | undefined;
}

/**
 * An offline, deterministic model. By default it echoes the last user message back word by word;
 * scripts set the answer, chunks, delays, tool calls, reasoning and usage. It goes through the same
 * base class as real providers, so retries, aborts and timeouts behave exactly as they do there.
 */
export class MockLLM extends LLM {
  readonly provider: string = "mock";
  /** Every request this model received, in order. */
  readonly calls: LLMRequest[] = [];
  private readonly script: MockLLMSettings;

  constructor(settings: MockLLMSettings = {}) {
    super(settings.modelName ?? "mock", settings);
    this.script = settings;
  }

  async doGenerate(request: LLMRequest, signal: AbortSignal): Promise<ProviderGenerateResult> {
    this.calls.push(request);
    if (this.script.chunkDelayMs) await sleep(this.script.chunkDelayMs, undefined, { signal });
    const refusal = this.script.refusal;
    const toolCalls = refusal === undefined ? this.toolCallsFor(request.messages) : [];
    const chunks = refusal === undefined ? this.chunksFor(request.messages, request, toolCalls.length > 0) : [];
    return {
      content: chunks.join(""),
      reasoning: this.script.reasoning ?? null,
      refusal: refusal ?? null,
      toolCalls,
      usage: this.usageFor(request.messages, chunks),
      finishReason: refusal !== undefined ? "refusal" : toolCalls.length ? "tool_calls" : "stop",
      metadata: { model: this.modelName },
    };
  }

  async *doStream(request: LLMRequest, signal: AbortSignal): AsyncGenerator<StreamPart> {
    this.calls.push(request);
    const toolCalls = this.toolCallsFor(request.messages);
    const chunks = this.chunksFor(request.messages, request, toolCalls.length > 0);
    const delay = this.script.chunkDelayMs;
    yield { type: "response-metadata", model: this.modelName };
    if (this.script.reasoning) yield { type: "reasoning", text: this.script.reasoning };
    if (this.script.refusal !== undefined) {
      yield { type: "refusal", text: this.script.refusal };
      yield { type: "usage", usage: this.usageFor(request.messages, []) };
      yield { type: "finish", finishReason: "refusal" };
      return;
    }
    for (const text of chunks) {
      if (delay) await sleep(delay, undefined, { signal });
      yield { type: "text", text };
    }
    for (const toolCall of toolCalls) yield { type: "tool-call", toolCall };
    yield { type: "usage", usage: this.usageFor(request.messages, chunks) };
    yield { type: "finish", finishReason: toolCalls.length ? "tool_calls" : "stop" };
  }

  /** A mock has no catalog price; give it `prices` (or `setModelPrices`) to test costs. */
  protected override priceCatalogLookup(): undefined {
    return undefined;
  }

  private chunksFor(messages: readonly Message[], request?: LLMRequest, callingTools = false): string[] {
    if (request?.output && this.script.output !== undefined) {
      // A model that calls tools answers after their results, not alongside.
      if (callingTools) return [];
      const scripted = typeof this.script.output === "function" ? (this.script.output as (messages: readonly Message[], request: LLMRequest) => unknown)(messages, request) : this.script.output;
      // A non-object schema is asked for as { "value": … }, and a model answers so.
      return jsonChunks(JSON.stringify(request.output.wrapped ? { value: scripted } : scripted));
    }
    if (this.script.responseStream) return this.script.responseStream;
    const response = this.script.response;
    const text = typeof response === "function" ? response(messages) : (response ?? lastUserText(messages));
    return splitWords(text);
  }

  /** The scripted calls, or none once the current turn already holds a result for one of them. */
  private toolCallsFor(messages: readonly Message[]): ToolCall[] {
    const script = this.script.toolCalls;
    // A function scripts every step itself (multi-step tool loops).
    if (typeof script === "function") return script(messages).map((call, index) => createToolCall(call.id ?? `call_mock_${index}`, call.name, call.arguments));
    const calls = (script ?? []).map((call, index) => createToolCall(call.id ?? `call_mock_${index}`, call.name, call.arguments));
    if (calls.length === 0) return calls;
    const ids = new Set(calls.map((call) => call.id));
    for (let index = messages.length - 1; index >= 0; index--) {
      const message = messages[index]!;
      if (message.role === "user") break;
      if (message.role === "tool" && ids.has(message.tool_call_id)) return [];
    }
    return calls;
  }

  private usageFor(messages: readonly Message[], chunks: string[]): Usage {
    const promptTokens = this.script.usage?.promptTokens ?? messages.reduce((sum, message) => sum + splitWords(contentText(message.content as string)).length, 0);
    const completionTokens = this.script.usage?.completionTokens ?? chunks.length;
    return { ...createUsage(promptTokens, completionTokens), ...this.script.usage };
  }
}

function lastUserText(messages: readonly Message[]): string {
  for (let index = messages.length - 1; index >= 0; index--) {
    const message = messages[index]!;
    if (message.role === "user") return contentText(message.content);
  }
  return "";
}

/** JSON in pieces of about a dozen characters, as a model streams it. */
function jsonChunks(json: string): string[] {
  const chunks: string[] = [];
  for (let start = 0; start < json.length; start += 12) chunks.push(json.slice(start, start + 12));
  return chunks;
}

/** "a b  c" → ["a ", "b  ", "c"]: every chunk keeps its trailing whitespace, so chunks join back exactly. */
export function splitWords(text: string): string[] {
  return text.match(/\S+\s*|\s+/g) ?? [];
}
