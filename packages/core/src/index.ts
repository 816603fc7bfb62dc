/**
 * @ragbits/core: call any LLM through one small streaming API.
 *
 * Start at `LiteLLM` (the model name picks the provider, through a registry you can extend with
 * `registerProvider`) or a provider class; every model is an `LLM` with `generate`,
 * `generateWithMetadata` and `generateStreaming`.
 */

// Prompts
export {
  type AssistantMessage,
  type AssistantToolCall,
  type ChatFormat,
  type ChatFormatSource,
  type ChatPrompt,
  type ContentPart,
  type FilePart,
  type ImagePart,
  type Message,
  type SystemMessage,
  type TextPart,
  type ToolMessage,
  type UserMessage,
  contentText,
  toChatFormat,
} from "./prompt/chat-format";
export { Prompt } from "./prompt/prompt";
export { type DefinedPrompt, type PromptClass, type PromptDefinition, type PromptExample, type PromptOptions, type PromptTemplate, type UserTemplate, definePrompt } from "./prompt/define-prompt";
export { type Attachment, type ImageDetail, attachmentToContentPart } from "./prompt/attachment";

// Structured output
export { type InferSchema, type InferSchemaInput, type Schema, type SchemaIssue, type StandardJSONSchemaV1, type StandardSchemaV1 } from "./structured-output/standard-schema";
export { type OutputMode, type OutputOption, type OutputRequest, type StructuredOutput } from "./structured-output/output-request";
export { type DeepPartial, type OutputOf } from "./structured-output/output-types";
export { type JsonSchema } from "./structured-output/json-schema";

// Tools
export { type ToolContext, type ToolDefinition, type ToolOptions, type ToolSource, tool } from "./tools/tool";
export { DEFAULT_MAX_STEPS, type RunToolsOptions, type StepFinish, type StepResult, type ToolResult, ToolRun, type ToolRunItem, type ToolRunStopReason, runTools } from "./tools/run-tools";

// The model API
export { type AnyPrompt, type CallOutput, DEFAULT_IDLE_TIMEOUT_MS, DEFAULT_TIMEOUT_MS, type GenerateOptions, LLM, type LLMSettings, type StreamItem, type StreamOptions } from "./llm/llm";
export { sumUsage } from "./llm/sum-usage";
export { currentAbortSignal, runWithAbortSignal } from "./llm/abort-scope";
export { type LLMOptions, type ProviderOptions, mergeOptions } from "./llm/llm-options";
export { type LLMRequest, type ProviderGenerateResult } from "./llm/llm-request";
export { type FallbackAttempt, type FinishReason, type GenerateResult, type LLMMetadata, type PartialResult, type Usage, type UsageIteration, createUsage } from "./llm/llm-result";
export { LLMStream } from "./llm/llm-stream";
export { type Reasoning, isReasoning } from "./llm/reasoning";
export { type Refusal, isRefusal } from "./llm/refusal";
export { type StreamPart } from "./llm/stream-part";
export { type Tool, type ToolCall, type ToolChoice, ToolCallAccumulator, createToolCall, isToolCall } from "./llm/tool-call";

// Models
export { LiteLLM, type LiteLLMConstructor, type LiteLLMSettings } from "./lite-llm/lite-llm";
export { DEFAULT_FALLBACK_COOLDOWN_MS, FallbackLLM, type FallbackSettings } from "./lite-llm/fallback-llm";
export { ModelRegistry, type ModelSettings, type ProviderFactory } from "./lite-llm/model-registry";
export { type ModelRegistryOptions, createModelRegistry, defaultModelRegistry, registerProvider } from "./lite-llm/default-model-registry";
export { type ProviderId } from "./lite-llm/built-in-providers";
export { type ResolvedModel, resolveModel } from "./lite-llm/resolve-model";
export { OpenAILLM, type OpenAILLMSettings } from "./providers/openai/openai-llm";
export { AzureOpenAILLM, type AzureOpenAILLMSettings, DEFAULT_AZURE_API_VERSION } from "./providers/azure/azure-openai-llm";
export { AnthropicLLM, type AnthropicLLMSettings } from "./providers/anthropic/anthropic-llm";
export { DEFAULT_ANTHROPIC_MAX_TOKENS } from "./providers/anthropic/anthropic-request";
export { DEFAULT_OLLAMA_HOST, OllamaLLM, type OllamaLLMSettings } from "./providers/ollama/ollama-llm";
export { MockLLM, type MockLLMSettings, type MockToolCallScript } from "./mock/mock-llm";

// Errors
export {
  LLMAbortedError,
  LLMConfigurationError,
  LLMConnectionError,
  LLMEmptyResponseError,
  LLMError,
  type LLMErrorContext,
  LLMInvalidPromptError,
  LLMOutputParsingError,
  LLMRefusalError,
  LLMResponseError,
  LLMTimeoutError,
} from "./errors/llm-error";
export { LLMAuthenticationError, LLMBadRequestError, LLMRateLimitError, LLMStatusError } from "./errors/llm-status-error";
export { type ProviderErrorInfo } from "./errors/provider-error-info";
export { PromptDefinitionError, PromptInputError, ToolArgumentsError, ToolDefinitionError } from "./errors/definition-errors";
export { type Redactor, createRedactor, redactSecrets } from "./redact/redact-secrets";

// Cost
export { type ModelPrices, getModelPrices, setModelPrices } from "./cost/model-prices";
export { type CostContext, estimateCost } from "./cost/estimate-cost";
export { type PriceCatalogLookup } from "./cost/price-catalog";

// Retries
export { DEFAULT_RETRY_POLICY, type RetryPolicy } from "./retry/retry-policy";

// Telemetry (OpenTelemetry, when @opentelemetry/api is installed and an SDK is registered)
export { CAPTURE_CONTENT_ENV, type TelemetrySettings, configureTelemetry } from "./telemetry/telemetry-settings";
