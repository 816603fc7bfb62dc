import { type ProviderErrorInfo } from "../../errors/provider-error-info";
import { LLM, type LLMSettings } from "../../llm/llm";
import { type LLMRequest, type ProviderGenerateResult } from "../../llm/llm-request";
import { type StreamPart } from "../../llm/stream-part";
import { sensitiveHeaderValues } from "../../redact/redact-secrets";
import { loadSdk } from "../load-sdk";
import { ollamaOutputTool, toOllamaRequestBody } from "./ollama-request";
import { type OllamaChatResponse, fromOllamaResponse, ollamaStreamParts } from "./ollama-response";

export interface OllamaLLMSettings extends LLMSettings {
  modelName: string;
  /** Default: `OLLAMA_HOST`, else http://localhost:11434. */
  host?: string | undefined;
  headers?: Record<string, string> | undefined;
}

export const DEFAULT_OLLAMA_HOST = "http://localhost:11434";

interface ChatClient {
  chat(body: Record<string, unknown>): Promise<unknown>;
}

/** A local Ollama server's /api/chat. */
export class OllamaLLM extends LLM {
  readonly provider: string = "ollama";
  private readonly settings: OllamaLLMSettings;

  constructor(settings: OllamaLLMSettings) {
    super(settings.modelName, settings);
    this.settings = settings;
  }

  get host(): string {
    return this.settings.host ?? process.env.OLLAMA_HOST ?? DEFAULT_OLLAMA_HOST;
  }

  async doGenerate(request: LLMRequest, signal: AbortSignal): Promise<ProviderGenerateResult> {
    const body = { ...toOllamaRequestBody(request, this.modelName, this.errorContext()), stream: false };
    return fromOllamaResponse((await this.chat(body, signal)) as OllamaChatResponse, ollamaOutputTool(request));
  }

  doStream(request: LLMRequest, signal: AbortSignal): AsyncIterable<StreamPart> {
    const body = { ...toOllamaRequestBody(request, this.modelName, this.errorContext()), stream: true };
    return ollamaStreamParts(async () => (await this.chat(body, signal)) as AsyncIterable<OllamaChatResponse>, ollamaOutputTool(request));
  }

  /** `format`: a JSON schema or "json". */
  protected override requestsStructuredOutput(request: LLMRequest): boolean {
    return Boolean(request.options.providerOptions?.ollama?.format);
  }

  /** A local server: no catalog price (set one with `prices` or `setModelPrices` if it has a cost). */
  protected override priceCatalogLookup(): undefined {
    return undefined;
  }

  protected override secrets(): readonly (string | undefined)[] {
    return sensitiveHeaderValues(this.settings.headers);
  }

  protected override classifyError(error: unknown): ProviderErrorInfo | undefined {
    // The SDK does not export its ResponseError class; it is recognised by shape.
    const response = error as { name?: string; status_code?: unknown; error?: unknown; message?: string } | null;
    if (response?.name === "ResponseError" && typeof response.status_code === "number") {
      const headers = (error as { responseHeaders?: Headers }).responseHeaders;
      return { kind: "status", status: response.status_code, message: String(response.error ?? response.message), headers, body: { error: response.error } };
    }
    const message = response?.message ?? "";
    if (message.startsWith("Did not receive done")) return { kind: "response", message: "the stream ended before its final (done) line: the connection was probably cut" };
    return undefined;
  }

  /**
   * The SDK takes no per-request signal, but it takes a `fetch`: a client per call with a fetch bound
   * to the call's signal makes aborts and timeouts cancel the HTTP request, streaming or not. The
   * same fetch keeps the response headers, which the SDK's errors drop (Retry-After lives there).
   */
  private async chat(body: Record<string, unknown>, signal: AbortSignal): Promise<unknown> {
    const sdk = await loadSdk("ollama", this.errorContext(), () => import("ollama"));
    let responseHeaders: Headers | undefined;
    const boundFetch: typeof fetch = async (input, init) => {
      const response = await fetch(input, { ...init, signal: init?.signal ? AbortSignal.any([init.signal, signal]) : signal });
      responseHeaders = response.headers;
      return response;
    };
    const client = new sdk.Ollama({ host: this.host, fetch: boundFetch, headers: this.settings.headers }) as unknown as ChatClient;
    try {
      return await client.chat(body);
    } catch (error) {
      if (error && typeof error === "object" && responseHeaders) Object.assign(error, { responseHeaders });
      throw error;
    }
  }
}
