import { LLMAbortedError, LLMConfigurationError, LLMError } from "../errors/llm-error";
import { LLMAuthenticationError, LLMStatusError } from "../errors/llm-status-error";
import { type AnyPrompt, type CallOutput, type GenerateOptions, LLM, type StreamItem, type StreamOptions } from "../llm/llm";
import { mergeOptions } from "../llm/llm-options";
import { type LLMRequest, type ProviderGenerateResult } from "../llm/llm-request";
import { type FallbackAttempt, type GenerateResult } from "../llm/llm-result";
import { LLMStream } from "../llm/llm-stream";
import { type StreamPart } from "../llm/stream-part";

export interface FallbackSettings {
  /**
   * How long a model that failed is skipped by later calls, in ms. Default 30 000; 0 turns
   * cooldowns off. When every model is cooling down, all are tried in order anyway.
   */
  cooldownMs?: number;
}

export const DEFAULT_FALLBACK_COOLDOWN_MS = 30_000;

/**
 * Models tried in order: when one fails *before its first chunk* with an error another model may
 * not have — retryable (connection, timeout, 408/409/429/5xx such as Anthropic's 529 overloaded,
 * after that model's own retries), or configuration (missing key or SDK, 401/403, 404 unknown model)
 * — the next one is asked. After the first chunk, never: an answer is not stitched from two models.
 * Each model runs its own retry, timeout and abort path; this class only chooses among them.
 *
 * A model that failed is skipped for `cooldownMs` by later calls. `metadata.provider`/`model` name
 * the model that answered, `metadata.fallbackAttempts` the ones that failed or were skipped first.
 * `new LiteLLM({ modelName, fallbacks })` builds one.
 */
export class FallbackLLM extends LLM {
  /** The first model's provider: the one the chain is for. `metadata.provider` says who answered. */
  readonly provider: string;
  readonly models: readonly LLM[];
  readonly cooldownMs: number;
  private readonly coolingUntil = new Map<LLM, number>();

  constructor(models: readonly LLM[], settings: FallbackSettings = {}) {
    const primary = models[0];
    if (!primary) throw new TypeError("FallbackLLM needs at least one model");
    super(primary.modelName, { maxRetries: primary.maxRetries, timeoutMs: primary.timeoutMs, idleTimeoutMs: primary.idleTimeoutMs, prices: primary.prices });
    this.provider = primary.provider;
    this.models = [...models];
    this.cooldownMs = settings.cooldownMs ?? DEFAULT_FALLBACK_COOLDOWN_MS;
  }

  override async generateWithMetadata<P extends AnyPrompt, const O extends GenerateOptions = Record<never, never>>(prompt: P, options?: O): Promise<GenerateResult<CallOutput<P, O>>> {
    const attempts: FallbackAttempt[] = [];
    const candidates = this.candidates(attempts);
    for (const [index, model] of candidates.entries()) {
      try {
        // The answering model parses structured output itself (and repairs it, when asked).
        const result = await model.generateWithMetadata(prompt, this.callOptions(options ?? ({} as O)));
        this.coolingUntil.delete(model);
        if (attempts.length) result.metadata.fallbackAttempts = attempts;
        return result;
      } catch (error) {
        if (index < candidates.length - 1 && this.fallsBack(error, model, attempts)) continue;
        throw this.withAttempts(error, attempts);
      }
    }
    throw new Error("unreachable: a fallback chain has at least one model");
  }

  override generateStreaming<P extends AnyPrompt, const O extends StreamOptions = Record<never, never>>(prompt: P, options?: O): LLMStream<StreamItem<O, P>, CallOutput<P, O>> {
    const primary = this.models[0]!;
    return new LLMStream<StreamItem<O, P>, CallOutput<P, O>>({ provider: primary.provider, model: primary.modelName, retries: 0 }, (stream) => this.streamChain(stream, prompt, options));
  }

  /** A problem only when every model of the chain has one: otherwise some model can answer. */
  override configurationProblem(): string | undefined {
    const problems = this.models.map((model) => model.configurationProblem());
    return problems.every((problem) => problem !== undefined) ? problems.join("; ") : undefined;
  }

  /** Not used: every call goes to one of the chain's models, through its own `generate*`. */
  doGenerate(_request: LLMRequest, _signal: AbortSignal): Promise<ProviderGenerateResult> {
    return Promise.reject(new Error("FallbackLLM has no provider of its own: call generate, generateWithMetadata or generateStreaming"));
  }

  /** Not used: see doGenerate. */
  doStream(_request: LLMRequest, _signal: AbortSignal): AsyncIterable<StreamPart> {
    return this.doGenerate(_request, _signal) as never;
  }

  private async *streamChain<T, Out>(outer: LLMStream<T, Out>, prompt: AnyPrompt, options: StreamOptions | undefined): AsyncGenerator<T, void, undefined> {
    const attempts: FallbackAttempt[] = [];
    const candidates = this.candidates(attempts);
    for (const [index, model] of candidates.entries()) {
      // Structured output is parsed by the answering model's stream; this one follows its items and totals.
      const inner = model.generateStreaming(prompt, this.callOptions(options ?? {})) as unknown as LLMStream<T, Out>;
      const items = inner[Symbol.asyncIterator]();
      // The model's own path retries everything before its first item; a failure here reached no caller.
      let next: IteratorResult<T>;
      try {
        next = await items.next();
      } catch (error) {
        if (index < candidates.length - 1 && this.fallsBack(error, model, attempts)) continue;
        const failure = this.withAttempts(error, attempts);
        outer.fail(failure);
        throw failure;
      }
      this.coolingUntil.delete(model);
      outer.follow(inner);
      try {
        for (; !next.done; next = await items.next()) yield next.value;
        outer.complete(attempts.length ? { fallbackAttempts: attempts } : undefined);
      } catch (error) {
        outer.fail(error);
        throw error;
      } finally {
        // Also when the caller breaks out of its loop: the model's stream cancels its request.
        await items.return?.(undefined);
        if (!outer.isSettled) outer.fail(new LLMAbortedError({ provider: model.provider, model: model.modelName, message: "the stream was closed before it finished, so it has no totals" }));
      }
      return;
    }
  }

  /** The models to try, in order: those cooling down are left out (and noted), unless all are. */
  private candidates(attempts: FallbackAttempt[]): LLM[] {
    const now = Date.now();
    const ready = this.models.filter((model) => (this.coolingUntil.get(model) ?? 0) <= now);
    if (ready.length === 0) return [...this.models];
    for (const model of this.models) {
      if (!ready.includes(model)) attempts.push({ provider: model.provider, model: model.modelName, outcome: "cooling-down" });
    }
    return ready;
  }

  /** Whether the next model should be asked after `error`; if so the model cools down and the attempt is noted. */
  private fallsBack(error: unknown, model: LLM, attempts: FallbackAttempt[]): boolean {
    if (!LLMError.isInstance(error) || LLMAbortedError.isInstance(error)) return false;
    const failure: LLMError = error;
    const configuration = LLMConfigurationError.isInstance(failure) || LLMAuthenticationError.isInstance(failure) || (LLMStatusError.isInstance(failure) && (failure as LLMStatusError).statusCode === 404);
    if (!failure.retryable && !configuration) return false;
    if (this.cooldownMs > 0) this.coolingUntil.set(model, Date.now() + this.cooldownMs);
    attempts.push({ provider: model.provider, model: model.modelName, outcome: "failed", error: failure.message });
    return true;
  }

  /** The last model's error, telling which models were tried before it. */
  private withAttempts(error: unknown, attempts: FallbackAttempt[]): unknown {
    if (attempts.length && LLMError.isInstance(error) && error.partial) error.partial.metadata.fallbackAttempts = attempts;
    return error;
  }

  private callOptions<O extends GenerateOptions>(options: O): O {
    return Object.keys(this.defaultOptions).length ? { ...options, options: mergeOptions(this.defaultOptions, options.options) } : options;
  }
}
