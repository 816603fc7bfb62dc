import { type CostContext, withEstimatedCost } from "../cost/estimate-cost";
import { type ModelPrices } from "../cost/model-prices";
import { type PriceCatalogLookup } from "../cost/price-catalog";
import { LLMAbortedError, LLMEmptyResponseError, LLMError, type LLMErrorContext, LLMRefusalError } from "../errors/llm-error";
import { type ErrorMappingContext, type ProviderErrorInfo, describeCause, isNetworkError, toLLMError } from "../errors/provider-error-info";
import { type ChatFormatSource, type ChatPrompt, toChatFormat } from "../prompt/chat-format";
import { promptOutput } from "../prompt/prompt";
import { withJsonInstruction } from "../structured-output/json-instruction";
import { type OutputMode, type OutputOption, toOutputRequest } from "../structured-output/output-request";
import { type DeepPartial, type IsStructured, type OutputOf } from "../structured-output/output-types";
import { parseOutput } from "../structured-output/parse-output";
import { PartialOutput } from "../structured-output/partial-output";
import { completeOutput } from "../structured-output/complete-output";
import { type ToolSource, toToolSpec } from "../tools/tool";
import { DEFAULT_RETRY_POLICY, type RetryPolicy, retryDelayMs } from "../retry/retry-policy";
import { type LLMCallTelemetry, startLLMCall } from "../telemetry/llm-call-telemetry";
import { currentAbortSignal } from "./abort-scope";
import { CallGuard, type CallLimits } from "./call-guard";
import { type LLMOptions, mergeOptions } from "./llm-options";
import { type LLMRequest, type ProviderGenerateResult } from "./llm-request";
import { type GenerateResult, type PartialResult, type Usage } from "./llm-result";
import { LLMStream, type StreamItemFilter } from "./llm-stream";
import { type Reasoning } from "./reasoning";
import { type Refusal } from "./refusal";
import { type StreamPart } from "./stream-part";
import { type Tool, type ToolCall, type ToolChoice } from "./tool-call";

export interface LLMSettings {
  /** Options applied to every call; a call's own options are merged over them. */
  defaultOptions?: LLMOptions | undefined;
  /** Retries for retryable failures before the first chunk reaches the caller. Default 2. */
  maxRetries?: number | undefined;
  /** Per attempt: longest wait for the response to begin (streaming) or complete. Default 600 000. */
  timeoutMs?: number | undefined;
  /** Longest silence between streamed chunks before the call fails with LLMTimeoutError. Default 60 000. */
  idleTimeoutMs?: number | undefined;
  /** Backoff tuning: first step, longest step, longest `Retry-After` honoured. */
  retryPolicy?: Partial<Omit<RetryPolicy, "maxRetries">> | undefined;
  /**
   * This model's prices, for `usage.estimatedCost`: they win over `setModelPrices` and the built-in
   * catalog. Use them for fine-tuned, self-hosted or newly released models.
   */
  prices?: ModelPrices | undefined;
  /** How this model is asked for structured output by default (see `OutputMode`); default "auto". */
  outputMode?: OutputMode | undefined;
}

/** What every generate method accepts: text, a conversation, or a Prompt object (see `definePrompt`). */
export type AnyPrompt = ChatPrompt | ChatFormatSource;

export interface GenerateOptions {
  options?: LLMOptions | undefined;
  /**
   * Aborting it cancels the HTTP request at once; the call fails with LLMAbortedError. Calls inside
   * `runWithAbortSignal` (as every @ragbits/chat `chat()` is) also stop when that signal aborts.
   */
  signal?: AbortSignal | undefined;
  /** Tools the model may call: `tool({ … })` definitions, or OpenAI function-tool objects. */
  tools?: readonly (Tool | ToolSource)[] | undefined;
  toolChoice?: ToolChoice | undefined;
  /**
   * Structured output: a schema (zod ≥ 4.2, or any Standard Schema with JSON Schema) — the answer
   * is then that schema's validated value — or `{ schema, name, description, mode, strict }`.
   * A Prompt object's own output schema is used when this is not set.
   */
  output?: OutputOption | undefined;
  /**
   * Structured output that fails to parse or validate is sent back to the model with what was wrong,
   * this many times (`true` = once) before LLMOutputParsingError is thrown. Default 0. Not for streams.
   */
  repair?: boolean | number | undefined;
}

export interface StreamOptions extends GenerateOptions {
  /** Yield Reasoning items as the model thinks. Reasoning is always collected on the stream. */
  includeReasoning?: boolean | undefined;
  /**
   * Yield a refusal as a `Refusal` item instead of as text. Either way the stream's `refusal` and
   * `finishReason` ("refusal") say the model declined.
   */
  includeRefusal?: boolean | undefined;
}

/**
 * The items a stream yields for the given options and prompt: text (with structured output: the
 * partial value as it grows, then the validated value), plus tool calls when tools were passed,
 * reasoning and refusals when asked for.
 */
export type StreamItem<O extends StreamOptions = StreamOptions, P = string> =
  | (IsStructured<P, O> extends true ? DeepPartial<OutputOf<P, O>> : string)
  | (Enabled<O, "tools"> extends true ? ToolCall : never)
  | (Enabled<O, "includeReasoning"> extends true ? Reasoning : never)
  | (Enabled<O, "includeRefusal"> extends true ? Refusal : never);

/**
 * What a call resolves to: the output schema's type, else text. With tools and structured output,
 * `undefined` when the model answered with tool calls instead (run them: see `runTools`).
 */
export type CallOutput<P, O> = IsStructured<P, O> extends true ? (Enabled<O, "tools"> extends true ? OutputOf<P, O> | undefined : OutputOf<P, O>) : string;

/** Whether option K may be set to something other than undefined/false in O. */
type Enabled<O, K extends string> = K extends keyof O ? ([Exclude<O[K], undefined | false>] extends [never] ? false : true) : false;

export const DEFAULT_TIMEOUT_MS = 600_000;
export const DEFAULT_IDLE_TIMEOUT_MS = 60_000;

/**
 * The base of every model. Subclasses translate formats (`doGenerate`, `doStream`, `classifyError`);
 * retries, timeouts, aborts and stream bookkeeping live here, once, for all of them.
 */
export abstract class LLM {
  /** Provider id used in errors and metadata: "openai", "anthropic", "azure", "ollama", "mock". */
  abstract readonly provider: string;
  readonly modelName: string;
  defaultOptions: LLMOptions;
  readonly timeoutMs: number;
  readonly idleTimeoutMs: number;
  protected readonly retryPolicy: RetryPolicy;
  /** Prices given in the settings, for `usage.estimatedCost`. */
  readonly prices: ModelPrices | undefined;
  /** How this model is asked for structured output unless a call says otherwise. */
  readonly outputMode: OutputMode;

  constructor(modelName: string, settings: LLMSettings = {}) {
    this.modelName = modelName;
    this.defaultOptions = settings.defaultOptions ?? {};
    this.timeoutMs = settings.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.idleTimeoutMs = settings.idleTimeoutMs ?? DEFAULT_IDLE_TIMEOUT_MS;
    this.retryPolicy = { ...DEFAULT_RETRY_POLICY, ...settings.retryPolicy, maxRetries: settings.maxRetries ?? DEFAULT_RETRY_POLICY.maxRetries };
    this.prices = settings.prices;
    this.outputMode = settings.outputMode ?? "auto";
  }

  get maxRetries(): number {
    return this.retryPolicy.maxRetries;
  }

  /**
   * Why this model cannot be called as configured — a missing API key or endpoint, an unknown model
   * name — as the message its first call would fail with (it names the variable to set, never a
   * value); `undefined` when nothing is known to be missing. Makes no request and loads no SDK, so
   * a server can warn at start-up instead of failing the first chat. It cannot tell a wrong key.
   */
  configurationProblem(): string | undefined {
    return undefined;
  }

  /**
   * Generates a complete answer: its text, or with structured output (the `output` option, or a
   * Prompt with an output schema) the validated value — `await llm.generate(new TicketPrompt({ text }))`
   * is typed as the prompt's output.
   */
  async generate<P extends AnyPrompt, const O extends GenerateOptions = Record<never, never>>(prompt: P, options?: O): Promise<CallOutput<P, O>> {
    return (await this.generateWithMetadata(prompt, options)).output;
  }

  /**
   * Generates a complete answer with reasoning, tool calls, usage (with its estimated cost), finish
   * reason and metadata. A refusal is an answer (`finishReason: "refusal"`, `refusal`, its text in
   * `content`) unless the request asked for structured output: then it is an LLMRefusalError.
   * `output` is the validated value with structured output (after up to `repair` repair calls;
   * else LLMOutputParsingError), the text otherwise.
   */
  async generateWithMetadata<P extends AnyPrompt, const O extends GenerateOptions = Record<never, never>>(prompt: P, options?: O): Promise<GenerateResult<CallOutput<P, O>>> {
    const request = this.createRequest(prompt, options ?? {});
    const result = await this.generateOnce(request, options?.signal);
    if (!request.output) return { ...result, output: result.content } as GenerateResult<CallOutput<P, O>>;
    const repairs = options?.repair === true ? 1 : typeof options?.repair === "number" ? options.repair : 0;
    const generate = (next: LLMRequest) => this.generateOnce(next, options?.signal);
    return (await completeOutput(request, result, { repairs, context: this.errorContext(), generate })) as GenerateResult<CallOutput<P, O>>;
  }

  /** One complete call (with its retries): the raw answer, before any output parsing. */
  private async generateOnce(request: LLMRequest, signal: AbortSignal | undefined): Promise<PartialResult> {
    const guard = this.createGuard(signal);
    const started = startLLMCall(this, request, false);
    const call = started instanceof Promise ? await started : started;
    try {
      const { value, retries } = await this.withRetries(
        guard,
        async (signal) => {
          const result = await this.doGenerate(request, signal);
          guard.throwIfInterrupted();
          return result;
        },
        call,
      );
      guard.complete();
      const refusal = value.refusal ?? (value.finishReason === "refusal" ? "" : null);
      const model = value.metadata.model ?? this.modelName;
      const result: PartialResult = {
        ...value,
        content: value.content + (refusal ?? ""),
        refusal,
        usage: await this.priceUsage(value.usage, model),
        metadata: { ...value.metadata, provider: this.provider, model, retries },
      };
      if (refusal !== null && this.isStructured(request)) throw this.refusalError(refusal, result);
      if (refusal === null && value.content === "" && value.toolCalls.length === 0 && !value.reasoning) {
        throw new LLMEmptyResponseError(this.errorContext());
      }
      call?.succeed(result);
      return result;
    } catch (error) {
      call?.fail(error, LLMError.isInstance(error) ? error.partial : undefined);
      throw error;
    } finally {
      guard.dispose();
    }
  }

  /**
   * Streams the answer. Items are text strings; `ToolCall`s are added when `tools` are passed and
   * `Reasoning` when `includeReasoning` is set. Its totals are promises: `await stream.usage`,
   * `await stream.text`, … resolve once the stream has completed (see LLMStream).
   * Failures before the first chunk are retried; after it they surface, since the caller already
   * has part of an answer.
   */
  generateStreaming<P extends AnyPrompt, const O extends StreamOptions = Record<never, never>>(prompt: P, options?: O): LLMStream<StreamItem<O, P>, CallOutput<P, O>> {
    const request = this.createRequest(prompt, options ?? {});
    const refusal = options?.includeRefusal ? "item" : this.isStructured(request) ? "none" : "text";
    const filter: StreamItemFilter = { toolCalls: (options?.tools?.length ?? 0) > 0, reasoning: options?.includeReasoning === true, refusal };
    return new LLMStream<StreamItem<O, P>, CallOutput<P, O>>({ provider: this.provider, model: this.modelName, retries: 0 }, (stream) =>
      this.streamItems(stream, request, request.output ? { ...filter, output: new PartialOutput(request.output.wrapped) } : filter, options?.signal),
    );
  }

  /**
   * Provider contract: one non-streaming request. Call `generate`/`generateWithMetadata` instead;
   * they add retries, timeouts and abort handling.
   */
  abstract doGenerate(request: LLMRequest, signal: AbortSignal): Promise<ProviderGenerateResult>;

  /**
   * Provider contract: one streaming request, translated into StreamParts. It must end with a
   * `finish` part, or throw LLMResponseError when the provider's stream stops before it completed.
   * Call `generateStreaming` instead.
   */
  abstract doStream(request: LLMRequest, signal: AbortSignal): AsyncIterable<StreamPart>;

  /** Turns anything a provider call threw into the shared error hierarchy. */
  mapError(error: unknown): LLMError {
    if (LLMError.isInstance(error)) return error;
    const info = this.classifyError(error);
    if (info) return toLLMError(info, this.errorMappingContext());
    const kind = isNetworkError(error) ? "connection" : "response";
    return toLLMError({ kind, message: describeCause(error), cause: error }, this.errorMappingContext());
  }

  /** Provider hook: what an SDK error means, or `undefined` to fall back to generic handling. */
  protected classifyError(_error: unknown): ProviderErrorInfo | undefined {
    return undefined;
  }

  /**
   * Provider hook: whether the request asked for structured output (a JSON schema or JSON mode in
   * its provider options), where a refusal cannot stand in for the answer.
   */
  protected requestsStructuredOutput(_request: LLMRequest): boolean {
    return false;
  }

  /**
   * Provider hook: how the built-in price catalog finds this model — by provider id (the default),
   * or by the API's base URL for OpenAI-compatible servers; `undefined` to keep it out.
   */
  protected priceCatalogLookup(): PriceCatalogLookup | undefined {
    return { providerId: this.provider };
  }

  /** `usage` with its estimated cost, priced as the model that answered (`model`), else as this one. */
  protected priceUsage(usage: Usage | null, model: string | undefined): Promise<Usage | null> {
    return withEstimatedCost(usage, this.costContext(model));
  }

  private costContext(model: string | undefined): CostContext {
    return { provider: this.provider, models: [model, this.modelName], prices: this.prices, catalog: this.priceCatalogLookup() };
  }

  /** Structured output was asked for, through `output` or the provider options: a refusal is then an error. */
  private isStructured(request: LLMRequest): boolean {
    return request.output !== undefined || this.requestsStructuredOutput(request);
  }

  private refusalError(refusal: string, partial: PartialResult): LLMRefusalError {
    const error = new LLMRefusalError({ ...this.errorContext(), refusal });
    error.partial = partial;
    return error;
  }

  /** Provider hook: values that must never appear in errors (API keys). */
  protected secrets(): readonly (string | undefined)[] {
    return [];
  }

  protected errorContext(): LLMErrorContext {
    return { provider: this.provider, model: this.modelName };
  }

  private errorMappingContext(): ErrorMappingContext {
    return { ...this.errorContext(), secrets: this.secrets() };
  }

  private createRequest(prompt: AnyPrompt, options: GenerateOptions): LLMRequest {
    const request: LLMRequest = { messages: toChatFormat(prompt), options: mergeOptions(this.defaultOptions, options.options) };
    if (options.tools?.length) request.tools = options.tools.map(toToolSpec);
    if (options.toolChoice) request.toolChoice = options.toolChoice;
    const fromPrompt = promptOutput(prompt);
    const output = options.output ?? fromPrompt?.output;
    if (output) {
      request.output = toOutputRequest(output, { name: fromPrompt?.name, mode: this.outputMode }, this.errorContext());
      if (request.output.mode === "json") request.messages = withJsonInstruction(request.messages, request.output);
    }
    return request;
  }

  private createGuard(signal: AbortSignal | undefined): CallGuard {
    const limits: CallLimits = { timeoutMs: this.timeoutMs, idleTimeoutMs: this.idleTimeoutMs };
    // The ambient signal of `runWithAbortSignal` is read when the call starts (for a stream: when
    // its iteration begins), in the async context of the code that makes the call.
    return new CallGuard(this.errorContext(), limits, signal, currentAbortSignal(), (error) => this.mapError(error));
  }

  /** The one retry loop: attempts until success, a non-retryable error, or the retries run out. */
  private async withRetries<T>(guard: CallGuard, attempt: (signal: AbortSignal) => Promise<T>, call: LLMCallTelemetry | undefined): Promise<{ value: T; retries: number }> {
    for (let retries = 0; ; retries++) {
      const signal = guard.startAttempt();
      try {
        return { value: await (call ? call.within(() => attempt(signal)) : attempt(signal)), retries };
      } catch (thrown) {
        const error = guard.toError(thrown);
        const delay = retryDelayMs(error, retries, this.retryPolicy);
        if (delay === undefined) throw error;
        call?.retry(error, retries, delay);
        await guard.backoff(delay);
      }
    }
  }

  private async *streamItems<T, Out>(stream: LLMStream<T, Out>, request: LLMRequest, filter: StreamItemFilter, callerSignal: AbortSignal | undefined): AsyncGenerator<T, void, undefined> {
    const guard = this.createGuard(callerSignal);
    const started = startLLMCall(this, request, true);
    const call = started instanceof Promise ? await started : started;
    let parts: AsyncIterator<StreamPart> | undefined;
    try {
      // Retries cover everything before the first content part: nothing has reached the caller yet.
      const { value: opened, retries } = await this.withRetries(guard, (signal) => this.openStream(request, signal, guard), call);
      parts = opened.parts;
      stream.setRetries(retries);
      for (const part of opened.preamble) stream.accept(part, filter);
      guard.responseStarted();
      call?.firstChunk();
      for (let next = opened.first; !next.done; next = await parts.next()) {
        guard.touch();
        const item = stream.accept(next.value, filter);
        if (item !== undefined) yield item;
      }
      guard.throwIfInterrupted();
      guard.complete();
      stream.setUsage(await this.priceUsage(stream.current.usage, stream.current.metadata.model));
      if (stream.isEmpty) throw new LLMEmptyResponseError(this.errorContext());
      const { refusal, finishReason } = stream.current;
      if ((refusal !== null || finishReason === "refusal") && this.isStructured(request)) {
        throw this.refusalError(refusal ?? "", stream.snapshot());
      }
      // Structured output: the validated value is the last item (tool calls instead of an answer have none).
      const snapshot = request.output ? stream.snapshot() : undefined;
      if (request.output && snapshot && !(snapshot.toolCalls.length > 0 && snapshot.content.trim() === "")) {
        const value = await parseOutput(snapshot.content, request.output, this.errorContext(), finishReason);
        stream.setOutput(value);
        yield value as T;
      } else if (request.output) stream.setOutput(undefined);
      stream.complete();
      call?.succeed(stream.snapshot());
    } catch (error) {
      const failure = guard.toError(error);
      if (!failure.partial) {
        // What arrived before the failure, priced: a cut stream still cost what the provider reported.
        stream.setUsage(await this.priceUsage(stream.current.usage, stream.current.metadata.model).catch(() => stream.current.usage));
        failure.partial = stream.snapshot();
      }
      stream.fail(failure);
      call?.fail(failure, failure.partial);
      throw failure;
    } finally {
      // Runs on completion, on error, and when the caller breaks out of its loop: cancel the request.
      guard.dispose();
      call?.close();
      if (!stream.isSettled) stream.fail(new LLMAbortedError({ ...this.errorContext(), message: "the stream was closed before it finished, so it has no totals" }));
      await closeQuietly(parts);
    }
  }

  /** One attempt: opens the provider stream and reads up to its first content part (text, reasoning or tool call). */
  private async openStream(request: LLMRequest, signal: AbortSignal, guard: CallGuard): Promise<OpenedStream> {
    const parts = this.doStream(request, signal)[Symbol.asyncIterator]();
    const preamble: StreamPart[] = [];
    try {
      for (;;) {
        const next = await parts.next();
        if (next.done) guard.throwIfInterrupted();
        if (next.done || isContentPart(next.value)) return { parts, preamble, first: next };
        preamble.push(next.value);
      }
    } catch (error) {
      await closeQuietly(parts);
      throw error;
    }
  }
}

interface OpenedStream {
  parts: AsyncIterator<StreamPart>;
  /** Metadata that arrived before the first content part. */
  preamble: StreamPart[];
  first: IteratorResult<StreamPart>;
}

function isContentPart(part: StreamPart): boolean {
  return part.type === "text" || part.type === "reasoning" || part.type === "refusal" || part.type === "tool-call";
}

async function closeQuietly(iterator: AsyncIterator<unknown> | undefined): Promise<void> {
  try {
    await iterator?.return?.();
  } catch {
    // The stream is being abandoned; its own error was already reported or is irrelevant.
  }
}
