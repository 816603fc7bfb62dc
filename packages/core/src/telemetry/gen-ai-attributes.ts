/**
 * The attribute, event and metric names @ragbits/core records: the OpenTelemetry GenAI semantic
 * conventions as of semconv v1.41 (`gen_ai.provider.name`, which replaced `gen_ai.system` in
 * v1.37), plus a few `ragbits.*` names where the conventions have none. Kept here, not imported
 * from @opentelemetry/semantic-conventions: its GenAI names are experimental and may move.
 */
export const GEN_AI = {
  operationName: "gen_ai.operation.name",
  providerName: "gen_ai.provider.name",
  conversationId: "gen_ai.conversation.id",
  outputType: "gen_ai.output.type",
  requestModel: "gen_ai.request.model",
  requestStream: "gen_ai.request.stream",
  requestTemperature: "gen_ai.request.temperature",
  requestMaxTokens: "gen_ai.request.max_tokens",
  requestTopP: "gen_ai.request.top_p",
  requestStopSequences: "gen_ai.request.stop_sequences",
  requestSeed: "gen_ai.request.seed",
  requestFrequencyPenalty: "gen_ai.request.frequency_penalty",
  requestPresencePenalty: "gen_ai.request.presence_penalty",
  responseModel: "gen_ai.response.model",
  responseId: "gen_ai.response.id",
  responseFinishReasons: "gen_ai.response.finish_reasons",
  responseTimeToFirstChunk: "gen_ai.response.time_to_first_chunk",
  usageInputTokens: "gen_ai.usage.input_tokens",
  usageOutputTokens: "gen_ai.usage.output_tokens",
  usageCacheReadInputTokens: "gen_ai.usage.cache_read.input_tokens",
  usageCacheCreationInputTokens: "gen_ai.usage.cache_creation.input_tokens",
  usageReasoningOutputTokens: "gen_ai.usage.reasoning.output_tokens",
  tokenType: "gen_ai.token.type",
  toolName: "gen_ai.tool.name",
  toolType: "gen_ai.tool.type",
  toolDescription: "gen_ai.tool.description",
  toolCallId: "gen_ai.tool.call.id",
  // Opt-in content (see TelemetrySettings.captureContent).
  inputMessages: "gen_ai.input.messages",
  outputMessages: "gen_ai.output.messages",
  systemInstructions: "gen_ai.system_instructions",
  toolDefinitions: "gen_ai.tool.definitions",
  toolCallArguments: "gen_ai.tool.call.arguments",
  toolCallResult: "gen_ai.tool.call.result",
} as const;

export const ERROR_TYPE = "error.type";
export const HTTP_STATUS_CODE = "http.response.status_code";

/** Ours, where the conventions name nothing. */
export const RAGBITS = {
  retries: "ragbits.llm.retries",
  estimatedCost: "ragbits.usage.estimated_cost",
  firstChunkEvent: "ragbits.llm.first_chunk",
  retryEvent: "ragbits.llm.retry",
  retryAttempt: "ragbits.retry.attempt",
  retryDelay: "ragbits.retry.delay",
} as const;

export const METRICS = {
  operationDuration: "gen_ai.client.operation.duration",
  tokenUsage: "gen_ai.client.token.usage",
  timeToFirstChunk: "gen_ai.client.operation.time_to_first_chunk",
  estimatedCost: "ragbits.client.estimated_cost",
} as const;

/** The conventions' well-known `gen_ai.provider.name` values, by @ragbits/core provider id; others pass through. */
const PROVIDER_NAMES: Record<string, string> = { azure: "azure.ai.openai" };

export function genAiProviderName(provider: string): string {
  return PROVIDER_NAMES[provider] ?? provider;
}

/** Bucket boundaries the conventions ask for. */
export const DURATION_BUCKETS = [0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56, 5.12, 10.24, 20.48, 40.96, 81.92];
export const TOKEN_BUCKETS = [1, 4, 16, 64, 256, 1024, 4096, 16384, 65536, 262144, 1048576, 4194304, 16777216, 67108864];
