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
  toolCalls?: MockToolCallScript[] | undefined;
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
    const chunks = refusal === undefined ? this.chunksFor(request.messages) : [];
    const toolCalls = refusal === undefined ? this.toolCallsFor(request.messages) : [];
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
    const chunks = this.chunksFor(request.messages);
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
    const toolCalls = this.toolCallsFor(request.messages);
    for (const toolCall of toolCalls) yield { type: "tool-call", toolCall };
    yield { type: "usage", usage: this.usageFor(request.messages, chunks) };
    yield { type: "finish", finishReason: toolCalls.length ? "tool_calls" : "stop" };
  }

  /** A mock has no catalog price; give it `prices` (or `setModelPrices`) to test costs. */
  protected override priceCatalogLookup(): undefined {
    return undefined;
  }

  private chunksFor(messages: readonly Message[]): string[] {
    if (this.script.responseStream) return this.script.responseStream;
    const response = this.script.response;
    const text = typeof response === "function" ? response(messages) : (response ?? lastUserText(messages));
    return splitWords(text);
  }

  /** The scripted calls, or none once the current turn already holds a result for one of them. */
  private toolCallsFor(messages: readonly Message[]): ToolCall[] {
    const calls = (this.script.toolCalls ?? []).map((call, index) => createToolCall(call.id ?? `call_mock_${index}`, call.name, call.arguments));
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

/** "a b  c" → ["a ", "b  ", "c"]: every chunk keeps its trailing whitespace, so chunks join back exactly. */
export function splitWords(text: string): string[] {
  return text.match(/\S+\s*|\s+/g) ?? [];
}
