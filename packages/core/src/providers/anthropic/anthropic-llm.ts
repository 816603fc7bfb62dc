import type * as AnthropicSdkModule from "@anthropic-ai/sdk";
import { LLMConfigurationError } from "../../errors/llm-error";
import { asClause } from "../../errors/error-text";
import { type ProviderErrorInfo, describeCause } from "../../errors/provider-error-info";
import { LLM, type LLMSettings } from "../../llm/llm";
import { type LLMRequest, type ProviderGenerateResult } from "../../llm/llm-request";
import { type StreamPart } from "../../llm/stream-part";
import { LazyClient } from "../lazy-client";
import { sensitiveHeaderValues } from "../../redact/redact-secrets";
import { loadSdk } from "../load-sdk";
import { anthropicOutputTool, toAnthropicRequestBody } from "./anthropic-request";
import { type AnthropicMessageResponse, type AnthropicStreamEvent, anthropicStreamParts, fromAnthropicMessage } from "./anthropic-response";

export interface AnthropicLLMSettings extends LLMSettings {
  modelName: string;
  /** Default: `ANTHROPIC_API_KEY`. */
  apiKey?: string | undefined;
  /** Default: `ANTHROPIC_BASE_URL`, else Anthropic. */
  baseUrl?: string | undefined;
  headers?: Record<string, string> | undefined;
}

interface MessagesClient {
  messages: { create(body: Record<string, unknown>, options: { signal: AbortSignal }): Promise<unknown> };
}

type AnthropicSdk = typeof AnthropicSdkModule;

/** Status codes of Anthropic's in-stream error events, so they get the same handling as HTTP errors. */
const STREAM_ERROR_STATUS: Record<string, number> = { overloaded_error: 529, api_error: 500, rate_limit_error: 429, invalid_request_error: 400, authentication_error: 401, permission_error: 403 };

const SDK_TIMEOUT_MS = 2_147_000_000;

/** Anthropic's Messages API. */
export class AnthropicLLM extends LLM {
  readonly provider: string = "anthropic";
  private readonly settings: AnthropicLLMSettings;
  private readonly lazyClient = new LazyClient(() => this.createClient());
  private sdk: AnthropicSdk | undefined;

  constructor(settings: AnthropicLLMSettings) {
    super(settings.modelName, settings);
    this.settings = settings;
  }

  async doGenerate(request: LLMRequest, signal: AbortSignal): Promise<ProviderGenerateResult> {
    const body = toAnthropicRequestBody(request, this.modelName, this.errorContext());
    const client = await this.client();
    return fromAnthropicMessage((await client.messages.create(body, { signal })) as AnthropicMessageResponse, anthropicOutputTool(request, this.modelName));
  }

  doStream(request: LLMRequest, signal: AbortSignal): AsyncIterable<StreamPart> {
    const body = { ...toAnthropicRequestBody(request, this.modelName, this.errorContext()), stream: true };
    return anthropicStreamParts(async () => {
      const client = await this.client();
      return (await client.messages.create(body, { signal })) as AsyncIterable<AnthropicStreamEvent>;
    }, this.errorContext(), anthropicOutputTool(request, this.modelName));
  }

  /** A JSON output format (`output_config.format`, or the older beta `output_format`) in the provider options. */
  protected override requestsStructuredOutput(request: LLMRequest): boolean {
    const options = request.options.providerOptions?.anthropic as { output_format?: unknown; output_config?: { format?: unknown } } | undefined;
    return Boolean(options?.output_format ?? options?.output_config?.format);
  }

  protected override secrets(): readonly (string | undefined)[] {
    return [this.settings.apiKey, process.env.ANTHROPIC_API_KEY, ...sensitiveHeaderValues(this.settings.headers)];
  }

  protected override classifyError(error: unknown): ProviderErrorInfo | undefined {
    const sdk = this.sdk;
    if (!sdk) return undefined;
    if (error instanceof sdk.APIConnectionError) return { kind: "connection", message: describeCause(error), cause: error.cause };
    if (error instanceof sdk.APIError) {
      const body = error.error as { error?: { type?: string; message?: string } } | undefined;
      const message = body?.error?.message ?? error.message;
      const status = typeof error.status === "number" ? error.status : STREAM_ERROR_STATUS[body?.error?.type ?? ""];
      if (status === undefined) return { kind: "response", message: `the stream reported an error: ${asClause(message)}` };
      return { kind: "status", status, message, headers: error.headers, requestId: error.requestID ?? undefined, body };
    }
    if (error instanceof SyntaxError) return { kind: "response", message: `malformed stream frame: ${asClause(error.message)}` };
    return undefined;
  }

  private client(): Promise<MessagesClient> {
    return this.lazyClient.get();
  }

  override configurationProblem(): string | undefined {
    return this.apiKey() ? undefined : this.missingKeyError().message;
  }

  private apiKey(): string | undefined {
    return this.settings.apiKey ?? process.env.ANTHROPIC_API_KEY;
  }

  private missingKeyError(): LLMConfigurationError {
    return new LLMConfigurationError({ ...this.errorContext(), message: "no API key: set the ANTHROPIC_API_KEY environment variable or pass `apiKey`" });
  }

  private async createClient(): Promise<MessagesClient> {
    const apiKey = this.apiKey();
    if (!apiKey) throw this.missingKeyError();
    const sdk = await loadSdk("@anthropic-ai/sdk", this.errorContext(), () => import("@anthropic-ai/sdk"));
    this.sdk = sdk;
    const client = new sdk.Anthropic({
      apiKey,
      baseURL: this.settings.baseUrl ?? process.env.ANTHROPIC_BASE_URL ?? undefined,
      maxRetries: 0,
      timeout: SDK_TIMEOUT_MS,
      logLevel: "off",
      defaultHeaders: this.settings.headers,
    });
    return client as unknown as MessagesClient;
  }
}
