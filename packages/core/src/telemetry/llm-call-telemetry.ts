import type { Attributes, Context, Span } from "@opentelemetry/api";
import { LLMAbortedError, LLMError } from "../errors/llm-error";
import { LLMStatusError } from "../errors/llm-status-error";
import { type LLMRequest } from "../llm/llm-request";
import { type PartialResult, type Usage } from "../llm/llm-result";
import { type ClientInstruments, INSTRUMENTATION_SCOPE, clientInstruments } from "./client-instruments";
import { ERROR_TYPE, GEN_AI, HTTP_STATUS_CODE, RAGBITS, genAiProviderName } from "./gen-ai-attributes";
import { inputMessagesJson, outputMessagesJson, toolDefinitionsJson } from "./gen-ai-messages";
import { type OpenTelemetryApi, loadOpenTelemetryApi, openTelemetryApi } from "./open-telemetry-api";
import { telemetrySettings } from "./telemetry-settings";

/** What a call's telemetry needs to know about the model. */
export interface TracedModel {
  readonly provider: string;
  readonly modelName: string;
}

/** The context key @ragbits/chat sets per chat turn (`createContextKey` is `Symbol.for`, so both packages share it). */
export const CONVERSATION_ID_CONTEXT_KEY = "ragbits.gen_ai.conversation.id";

/**
 * Starts the telemetry of one model call (all its attempts): `undefined` when nothing would be
 * recorded — `@opentelemetry/api` not installed, no SDK registered, or telemetry turned off — so a
 * call without telemetry costs one check. The API is loaded on the first call (then a promise is
 * returned, once per process).
 */
export function startLLMCall(model: TracedModel, request: LLMRequest, streaming: boolean): LLMCallTelemetry | undefined | Promise<LLMCallTelemetry | undefined> {
  const api = openTelemetryApi();
  if (api === undefined) return loadOpenTelemetryApi().then(() => startLLMCall(model, request, streaming));
  if (api === null) return undefined;
  const settings = telemetrySettings();
  if (!settings.enabled) return undefined;
  const instruments = clientInstruments(api);
  const parent = api.context.active();
  const span = api.trace.getTracer(INSTRUMENTATION_SCOPE).startSpan(`chat ${model.modelName}`, { kind: api.SpanKind.CLIENT, attributes: requestAttributes(model, request, streaming, parent) }, parent);
  const recording = span.isRecording();
  if (!recording && !instruments) {
    span.end();
    return undefined;
  }
  const call = new LLMCallTelemetry(api, recording ? span : undefined, parent, instruments, model, streaming);
  if (recording && settings.captureContent) call.recordInput(request);
  return call;
}

/**
 * One model call's span and metrics: created by `startLLMCall`, told by the LLM base class when
 * the first chunk arrives, when an attempt is retried, and how the call ended (once).
 */
export class LLMCallTelemetry {
  private readonly startedAt = performance.now();
  private firstChunkAt: number | undefined;
  private retries = 0;
  private ended = false;
  private readonly context: Context | undefined;
  private readonly captureContent = telemetrySettings().captureContent;

  constructor(
    private readonly api: OpenTelemetryApi,
    private readonly span: Span | undefined,
    parent: Context,
    private readonly instruments: ClientInstruments | undefined,
    private readonly model: TracedModel,
    private readonly streaming: boolean,
  ) {
    this.context = span ? api.trace.setSpan(parent, span) : undefined;
  }

  /** Runs one attempt with the call's span active, so HTTP client spans (fetch instrumentation) nest under it. */
  within<T>(attempt: () => T): T {
    return this.context ? this.api.context.with(this.context, attempt) : attempt();
  }

  /** @internal */
  recordInput(request: LLMRequest): void {
    this.span?.setAttribute(GEN_AI.inputMessages, inputMessagesJson(request.messages));
    if (request.tools?.length) this.span?.setAttribute(GEN_AI.toolDefinitions, toolDefinitionsJson(request.tools));
  }

  /** The response began: its first content part arrived. */
  firstChunk(): void {
    if (this.firstChunkAt !== undefined) return;
    this.firstChunkAt = performance.now();
    this.span?.addEvent(RAGBITS.firstChunkEvent);
  }

  /** An attempt failed and will be retried after `delayMs`. */
  retry(error: LLMError, retry: number, delayMs: number): void {
    this.retries = retry + 1;
    if (!this.span) return;
    const attributes: Attributes = { [RAGBITS.retryAttempt]: retry + 1, [RAGBITS.retryDelay]: delayMs / 1000, [ERROR_TYPE]: errorType(error) };
    if (LLMStatusError.isInstance(error)) attributes[HTTP_STATUS_CODE] = error.statusCode;
    this.span.addEvent(RAGBITS.retryEvent, attributes);
  }

  /** The call completed with this result. */
  succeed(result: PartialResult): void {
    if (this.ended) return;
    this.ended = true;
    const span = this.span;
    if (span) {
      span.setAttributes(responseAttributes(result));
      if (this.captureContent) span.setAttribute(GEN_AI.outputMessages, outputMessagesJson(result));
    }
    this.finish(result, undefined);
  }

  /** The call failed (an abort included): `error.type` names the error's class. */
  fail(thrown: unknown, partial?: PartialResult): void {
    if (this.ended) return;
    this.ended = true;
    const error = LLMError.isInstance(thrown) ? thrown : undefined;
    const type = error ? errorType(error) : thrown instanceof Error ? thrown.name : "Error";
    const span = this.span;
    if (span) {
      if (partial) span.setAttributes(responseAttributes(partial, false));
      span.setAttribute(ERROR_TYPE, type);
      if (error && LLMStatusError.isInstance(error)) span.setAttribute(HTTP_STATUS_CODE, error.statusCode);
      // Messages of LLM errors never hold a key (providers' secrets are removed when they are made).
      const message = thrown instanceof Error ? thrown.message : String(thrown);
      span.setStatus({ code: this.api.SpanStatusCode.ERROR, message });
      span.recordException({ name: type, message });
    }
    this.finish(partial, type);
  }

  /**
   * The call is over; when nothing reported how (the caller broke out of the stream's loop), it is
   * recorded as aborted.
   */
  close(): void {
    if (!this.ended) this.fail(new LLMAbortedError({ provider: this.model.provider, model: this.model.modelName, message: "the stream was closed before it finished" }));
  }

  private finish(result: PartialResult | undefined, errorType: string | undefined): void {
    const now = performance.now();
    const span = this.span;
    if (span) {
      if (this.retries > 0) span.setAttribute(RAGBITS.retries, this.retries);
      if (this.streaming && this.firstChunkAt !== undefined) span.setAttribute(GEN_AI.responseTimeToFirstChunk, (this.firstChunkAt - this.startedAt) / 1000);
      span.end();
    }
    const instruments = this.instruments;
    if (!instruments) return;
    const attributes: Attributes = { [GEN_AI.operationName]: "chat", [GEN_AI.providerName]: genAiProviderName(this.model.provider), [GEN_AI.requestModel]: this.model.modelName };
    if (result?.metadata.model) attributes[GEN_AI.responseModel] = result.metadata.model;
    if (errorType) attributes[ERROR_TYPE] = errorType;
    instruments.operationDuration.record((now - this.startedAt) / 1000, attributes);
    if (this.streaming && this.firstChunkAt !== undefined) instruments.timeToFirstChunk.record((this.firstChunkAt - this.startedAt) / 1000, attributes);
    const usage = result?.usage;
    if (!usage) return;
    // Token counts and cost carry no error.type: a call that failed part-way still used (and cost) them.
    const { [ERROR_TYPE]: _error, ...base } = attributes;
    instruments.tokenUsage.record(usage.promptTokens, { ...base, [GEN_AI.tokenType]: "input" });
    instruments.tokenUsage.record(usage.completionTokens, { ...base, [GEN_AI.tokenType]: "output" });
    if (usage.estimatedCost !== undefined) instruments.estimatedCost.add(usage.estimatedCost, base);
  }
}

/** The low-cardinality class of an error: the name of its class in the LLMError hierarchy. */
export function errorType(error: Error): string {
  return error.name || "Error";
}

function requestAttributes(model: TracedModel, request: LLMRequest, streaming: boolean, parent: Context): Attributes {
  const { options } = request;
  const attributes: Attributes = {
    [GEN_AI.operationName]: "chat",
    [GEN_AI.providerName]: genAiProviderName(model.provider),
    [GEN_AI.requestModel]: model.modelName,
    [GEN_AI.requestStream]: streaming,
  };
  if (options.temperature !== undefined) attributes[GEN_AI.requestTemperature] = options.temperature;
  if (options.maxTokens !== undefined) attributes[GEN_AI.requestMaxTokens] = options.maxTokens;
  if (options.topP !== undefined) attributes[GEN_AI.requestTopP] = options.topP;
  if (options.stop !== undefined) attributes[GEN_AI.requestStopSequences] = typeof options.stop === "string" ? [options.stop] : options.stop;
  if (options.seed !== undefined) attributes[GEN_AI.requestSeed] = options.seed;
  if (options.frequencyPenalty !== undefined) attributes[GEN_AI.requestFrequencyPenalty] = options.frequencyPenalty;
  if (options.presencePenalty !== undefined) attributes[GEN_AI.requestPresencePenalty] = options.presencePenalty;
  if (request.output) attributes[GEN_AI.outputType] = "json";
  const conversationId = parent.getValue(Symbol.for(CONVERSATION_ID_CONTEXT_KEY));
  if (typeof conversationId === "string") attributes[GEN_AI.conversationId] = conversationId;
  return attributes;
}

function responseAttributes(result: PartialResult, complete = true): Attributes {
  const attributes: Attributes = {};
  if (result.metadata.model) attributes[GEN_AI.responseModel] = result.metadata.model;
  if (result.metadata.responseId) attributes[GEN_AI.responseId] = result.metadata.responseId;
  if (complete && result.finishReason) attributes[GEN_AI.responseFinishReasons] = [result.finishReason];
  if (result.usage) Object.assign(attributes, usageAttributes(result.usage));
  return attributes;
}

function usageAttributes(usage: Usage): Attributes {
  const attributes: Attributes = { [GEN_AI.usageInputTokens]: usage.promptTokens, [GEN_AI.usageOutputTokens]: usage.completionTokens };
  if (usage.cachedPromptTokens !== undefined) attributes[GEN_AI.usageCacheReadInputTokens] = usage.cachedPromptTokens;
  if (usage.cacheWritePromptTokens !== undefined) attributes[GEN_AI.usageCacheCreationInputTokens] = usage.cacheWritePromptTokens;
  if (usage.reasoningTokens !== undefined) attributes[GEN_AI.usageReasoningOutputTokens] = usage.reasoningTokens;
  if (usage.estimatedCost !== undefined) attributes[RAGBITS.estimatedCost] = usage.estimatedCost;
  return attributes;
}
