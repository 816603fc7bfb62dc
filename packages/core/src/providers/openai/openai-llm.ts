import type * as OpenAISdkModule from "openai";
import { LLMConfigurationError } from "../../errors/llm-error";
import { asClause } from "../../errors/error-text";
import { type ProviderErrorInfo, describeCause } from "../../errors/provider-error-info";
import { type PriceCatalogLookup } from "../../cost/price-catalog";
import { LLM, type LLMSettings } from "../../llm/llm";
import { type LLMRequest, type ProviderGenerateResult } from "../../llm/llm-request";
import { type StreamPart } from "../../llm/stream-part";
import { LazyClient } from "../lazy-client";
import { sensitiveHeaderValues } from "../../redact/redact-secrets";
import { loadSdk } from "../load-sdk";
import { type OpenAIRequestFlavor, maxTokensFieldFor, openAIOutputTool, toOpenAIRequestBody } from "./openai-request";
import { type OpenAIChunk, type OpenAICompletion, fromOpenAICompletion, openAIStreamParts } from "./openai-response";

export interface OpenAILLMSettings extends LLMSettings {
  modelName: string;
  /** Default: `OPENAI_API_KEY`. Optional when `baseUrl` points at a server that needs none. */
  apiKey?: string | undefined;
  /** Default: `OPENAI_BASE_URL`, else OpenAI. Any OpenAI-compatible server: vLLM, llama.cpp, LM Studio… */
  baseUrl?: string | undefined;
  organization?: string | undefined;
  project?: string | undefined;
  /** Extra HTTP headers sent with every request. */
  headers?: Record<string, string> | undefined;
}

/** How the SDK client is built; Azure overrides it. */
export type OpenAIClientConfig =
  | { kind: "openai"; apiKey: string | undefined; baseUrl: string | undefined; organization?: string; project?: string; headers?: Record<string, string> }
  | { kind: "azure"; apiKey: string; endpoint: string; apiVersion: string; deployment: string; headers?: Record<string, string> };

/** The slice of the SDK client this class uses. */
interface ChatCompletionsClient {
  chat: { completions: { create(body: Record<string, unknown>, options: { signal: AbortSignal }): Promise<unknown> } };
}

type OpenAISdk = typeof OpenAISdkModule;

// Our own timers bound requests (CallGuard); the SDK's must never fire first.
const SDK_TIMEOUT_MS = 2_147_000_000;

/** OpenAI chat completions, and every server that speaks them. */
export class OpenAILLM extends LLM {
  readonly provider: string = "openai";
  protected readonly settings: OpenAILLMSettings;
  private readonly lazyClient = new LazyClient(() => this.createClient());
  private sdk: OpenAISdk | undefined;

  constructor(settings: OpenAILLMSettings) {
    super(settings.modelName, settings);
    this.settings = settings;
  }

  async doGenerate(request: LLMRequest, signal: AbortSignal): Promise<ProviderGenerateResult> {
    const { client } = await this.client();
    const completion = await client.chat.completions.create(this.requestBody(request), { signal });
    return fromOpenAICompletion(completion as OpenAICompletion, this.errorContext(), openAIOutputTool(request));
  }

  doStream(request: LLMRequest, signal: AbortSignal): AsyncIterable<StreamPart> {
    const body = { ...this.requestBody(request), stream: true, stream_options: { include_usage: true } };
    return openAIStreamParts(async () => {
      const { client } = await this.client();
      return (await client.chat.completions.create(body, { signal })) as AsyncIterable<OpenAIChunk>;
    }, this.errorContext(), openAIOutputTool(request));
  }

  override configurationProblem(): string | undefined {
    try {
      this.clientConfig();
      return undefined;
    } catch (error) {
      if (LLMConfigurationError.isInstance(error)) return error.message;
      throw error;
    }
  }

  /** The client settings: the API key, base URL and headers from the constructor, else the environment. */
  protected clientConfig(): OpenAIClientConfig {
    const apiKey = this.settings.apiKey ?? process.env.OPENAI_API_KEY;
    const baseUrl = this.settings.baseUrl ?? process.env.OPENAI_BASE_URL;
    if (!apiKey && !baseUrl) {
      throw new LLMConfigurationError({
        ...this.errorContext(),
        message: "no API key: set the OPENAI_API_KEY environment variable or pass `apiKey` (for a local OpenAI-compatible server, pass `baseUrl` or set OPENAI_BASE_URL)",
      });
    }
    return { kind: "openai", apiKey, baseUrl, organization: this.settings.organization, project: this.settings.project, headers: this.settings.headers };
  }

  protected requestFlavor(): OpenAIRequestFlavor {
    const officialApi = !(this.settings.baseUrl ?? process.env.OPENAI_BASE_URL);
    return { model: this.modelName, maxTokensField: maxTokensFieldFor(this.modelName, officialApi), providerOptionsKey: "openai" };
  }

  protected override secrets(): readonly (string | undefined)[] {
    return [this.settings.apiKey, process.env.OPENAI_API_KEY, ...sensitiveHeaderValues(this.settings.headers)];
  }

  /** `response_format` of type json_schema or json_object (structured outputs, JSON mode). */
  protected override requestsStructuredOutput(request: LLMRequest): boolean {
    const format = request.options.providerOptions?.[this.requestFlavor().providerOptionsKey]?.response_format as { type?: string } | undefined;
    return format?.type === "json_schema" || format?.type === "json_object";
  }

  /**
   * OpenAI's prices; with a base URL, the prices of the provider behind it when the catalog knows
   * its URL (Groq, DeepSeek, OpenRouter…). A server on this machine (vLLM, llama.cpp, LM Studio)
   * has no catalog price: give it `prices` if it has a cost.
   */
  protected override priceCatalogLookup(): PriceCatalogLookup | undefined {
    const baseUrl = this.settings.baseUrl ?? process.env.OPENAI_BASE_URL;
    if (!baseUrl) return { providerId: "openai" };
    return isLocalUrl(baseUrl) ? undefined : { providerApiUrl: baseUrl };
  }

  protected override classifyError(error: unknown): ProviderErrorInfo | undefined {
    const sdk = this.sdk;
    if (!sdk) return undefined;
    if (error instanceof sdk.APIConnectionError) return { kind: "connection", message: describeCause(error), cause: error.cause };
    if (error instanceof sdk.APIError) {
      const body = error.error as { message?: string } | undefined;
      const message = body?.message ?? error.message;
      // An error object inside the stream itself (no HTTP status) is a failed response, not a transport failure.
      if (typeof error.status !== "number") return { kind: "response", message: `the stream reported an error: ${asClause(message)}` };
      return { kind: "status", status: error.status, message, headers: error.headers, requestId: error.requestID ?? undefined, body };
    }
    if (error instanceof SyntaxError) return { kind: "response", message: `malformed stream frame: ${asClause(error.message)}` };
    return undefined;
  }

  private requestBody(request: LLMRequest): Record<string, unknown> {
    return toOpenAIRequestBody(request, this.requestFlavor(), this.errorContext());
  }

  private client(): Promise<{ client: ChatCompletionsClient; sdk: OpenAISdk }> {
    return this.lazyClient.get();
  }

  private async createClient(): Promise<{ client: ChatCompletionsClient; sdk: OpenAISdk }> {
    const config = this.clientConfig();
    const sdk = await loadSdk("openai", this.errorContext(), () => import("openai"));
    this.sdk = sdk;
    const common = { maxRetries: 0, timeout: SDK_TIMEOUT_MS, logLevel: "off" as const, defaultHeaders: config.headers };
    const client =
      config.kind === "azure"
        ? new sdk.AzureOpenAI({ ...common, apiKey: config.apiKey, endpoint: config.endpoint, apiVersion: config.apiVersion, deployment: config.deployment })
        : new sdk.OpenAI({
            ...common,
            // The SDK insists on a key; local OpenAI-compatible servers usually ignore it.
            apiKey: config.apiKey ?? "no-key",
            baseURL: config.baseUrl,
            organization: config.organization,
            project: config.project,
          });
    return { client: client as unknown as ChatCompletionsClient, sdk };
  }
}

function isLocalUrl(url: string): boolean {
  try {
    const host = new URL(url).hostname;
    return host === "localhost" || host === "[::1]" || host === "0.0.0.0" || host.startsWith("127.");
  } catch {
    return false;
  }
}
