import { type CostContext, withEstimatedCost } from "../cost/estimate-cost";
import { type ModelPrices } from "../cost/model-prices";
import { type PriceCatalogLookup } from "../cost/price-catalog";
import { LLMAbortedError, LLMEmptyResponseError, LLMError, type LLMErrorContext, LLMRefusalError } from "../errors/llm-error";
import { type ErrorMappingContext, type ProviderErrorInfo, describeCause, isNetworkError, toLLMError } from "../errors/provider-error-info";
import { type Prompt, toChatFormat } from "../prompt/chat-format";
import { DEFAULT_RETRY_POLICY, type RetryPolicy, retryDelayMs } from "../retry/retry-policy";
import { currentAbortSignal } from "./abort-scope";
import { CallGuard, type CallLimits } from "./call-guard";
import { type LLMOptions, mergeOptions } from "./llm-options";
import { type LLMRequest, type ProviderGenerateResult } from "./llm-request";
import { type GenerateResult, type Usage } from "./llm-result";
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
}

export interface GenerateOptions {
  options?: LLMOptions | undefined;
  /**
   * Aborting it cancels the HTTP request at once; the call fails with LLMAbortedError. Calls inside
   * `runWithAbortSignal` (as every @ragbits/chat `chat()` is) also stop when that signal aborts.
   */
  signal?: AbortSignal | undefined;
  tools?: readonly Tool[] | undefined;
  toolChoice?: ToolChoice | undefined;
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

/** The items a stream yields for the given options: text, plus tool calls when tools were passed, reasoning and refusals when asked for. */
export type StreamItem<O extends StreamOptions = StreamOptions> =
  | string
  | (Enabled<O, "tools"> extends true ? ToolCall : never)
  | (Enabled<O, "includeReasoning"> extends true ? Reasoning : never)
  | (Enabled<O, "includeRefusal"> extends true ? Refusal : never);

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

  constructor(modelName: string, settings: LLMSettings = {}) {
    this.modelName = modelName;
    this.defaultOptions = settings.defaultOptions ?? {};
    this.timeoutMs = settings.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.idleTimeoutMs = settings.idleTimeoutMs ?? DEFAULT_IDLE_TIMEOUT_MS;
    this.retryPolicy = { ...DEFAULT_RETRY_POLICY, ...settings.retryPolicy, maxRetries: settings.maxRetries ?? DEFAULT_RETRY_POLICY.maxRetries };
    this.prices = settings.prices;
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

  /** Generates a complete answer and returns its text. */
  async generate(prompt: Prompt, options?: GenerateOptions): Promise<string> {
    return (await this.generateWithMetadata(prompt, options)).content;
  }

  /**
   * Generates a complete answer with reasoning, tool calls, usage (with its estimated cost), finish
   * reason and metadata. A refusal is an answer (`finishReason: "refusal"`, `refusal`, its text in
   * `content`) unless the request asked for structured output: then it is an LLMRefusalError.
   */
  async generateWithMetadata(prompt: Prompt, options: GenerateOptions = {}): Promise<GenerateResult> {
    const request = this.createRequest(prompt, options);
    const guard = this.createGuard(options.signal);
    try {
      const { value, retries } = await this.withRetries(guard, async (signal) => {
        const result = await this.doGenerate(request, signal);
        guard.throwIfInterrupted();
        return result;
      });
      guard.complete();
      const refusal = value.refusal ?? (value.finishReason === "refusal" ? "" : null);
      const model = value.metadata.model ?? this.modelName;
      const result: GenerateResult = {
        ...value,
        content: value.content + (refusal ?? ""),
        refusal,
        usage: await this.priceUsage(value.usage, model),
        metadata: { ...value.metadata, provider: this.provider, model, retries },
      };
      if (refusal !== null && this.requestsStructuredOutput(request)) throw this.refusalError(refusal, result);
      if (refusal === null && value.content === "" && value.toolCalls.length === 0 && !value.reasoning) {
        throw new LLMEmptyResponseError(this.errorContext());
      }
      return result;
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
  generateStreaming<const O extends StreamOptions = Record<never, never>>(prompt: Prompt, options?: O): LLMStream<StreamItem<O>> {
    const request = this.createRequest(prompt, options ?? {});
    const refusal = options?.includeRefusal ? "item" : this.requestsStructuredOutput(request) ? "none" : "text";
    const filter: StreamItemFilter = { toolCalls: (options?.tools?.length ?? 0) > 0, reasoning: options?.includeReasoning === true, refusal };
    return new LLMStream<StreamItem<O>>({ provider: this.provider, model: this.modelName, retries: 0 }, (stream) =>
      this.streamItems(stream, request, filter, options?.signal),
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

  private refusalError(refusal: string, partial: GenerateResult): LLMRefusalError {
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

  private createRequest(prompt: Prompt, options: GenerateOptions): LLMRequest {
    const request: LLMRequest = { messages: toChatFormat(prompt), options: mergeOptions(this.defaultOptions, options.options) };
    if (options.tools?.length) request.tools = options.tools;
    if (options.toolChoice) request.toolChoice = options.toolChoice;
    return request;
  }

  private createGuard(signal: AbortSignal | undefined): CallGuard {
    const limits: CallLimits = { timeoutMs: this.timeoutMs, idleTimeoutMs: this.idleTimeoutMs };
    // The ambient signal of `runWithAbortSignal` is read when the call starts (for a stream: when
    // its iteration begins), in the async context of the code that makes the call.
    return new CallGuard(this.errorContext(), limits, signal, currentAbortSignal(), (error) => this.mapError(error));
  }

  /** The one retry loop: attempts until success, a non-retryable error, or the retries run out. */
  private async withRetries<T>(guard: CallGuard, attempt: (signal: AbortSignal) => Promise<T>): Promise<{ value: T; retries: number }> {
    for (let retries = 0; ; retries++) {
      const signal = guard.startAttempt();
      try {
        return { value: await attempt(signal), retries };
      } catch (thrown) {
        const error = guard.toError(thrown);
        const delay = retryDelayMs(error, retries, this.retryPolicy);
        if (delay === undefined) throw error;
        await guard.backoff(delay);
      }
    }
  }

  private async *streamItems<T>(stream: LLMStream<T>, request: LLMRequest, filter: StreamItemFilter, callerSignal: AbortSignal | undefined): AsyncGenerator<T, void, undefined> {
    const guard = this.createGuard(callerSignal);
    let parts: AsyncIterator<StreamPart> | undefined;
    try {
      // Retries cover everything before the first content part: nothing has reached the caller yet.
      const { value: opened, retries } = await this.withRetries(guard, (signal) => this.openStream(request, signal, guard));
      parts = opened.parts;
      stream.setRetries(retries);
      for (const part of opened.preamble) stream.accept(part, filter);
      guard.responseStarted();
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
      if ((refusal !== null || finishReason === "refusal") && this.requestsStructuredOutput(request)) {
        throw this.refusalError(refusal ?? "", stream.snapshot());
      }
      stream.complete();
    } catch (error) {
      const failure = guard.toError(error);
      if (!failure.partial) {
        // What arrived before the failure, priced: a cut stream still cost what the provider reported.
        stream.setUsage(await this.priceUsage(stream.current.usage, stream.current.metadata.model).catch(() => stream.current.usage));
        failure.partial = stream.snapshot();
      }
      stream.fail(failure);
      throw failure;
    } finally {
      // Runs on completion, on error, and when the caller breaks out of its loop: cancel the request.
      guard.dispose();
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
