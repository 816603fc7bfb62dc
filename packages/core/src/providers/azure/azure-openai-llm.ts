import { type PriceCatalogLookup } from "../../cost/price-catalog";
import { LLMConfigurationError } from "../../errors/llm-error";
import { sensitiveHeaderValues } from "../../redact/redact-secrets";
import { type OpenAIRequestFlavor, maxTokensFieldFor } from "../openai/openai-request";
import { type OpenAIClientConfig, OpenAILLM, type OpenAILLMSettings } from "../openai/openai-llm";

export interface AzureOpenAILLMSettings extends Omit<OpenAILLMSettings, "baseUrl" | "organization" | "project"> {
  /** The deployment name. */
  modelName: string;
  /** Default: `AZURE_API_KEY` (or `AZURE_OPENAI_API_KEY`). */
  apiKey?: string | undefined;
  /** The resource endpoint, e.g. https://my-resource.openai.azure.com. Default: `AZURE_API_BASE` (or `AZURE_OPENAI_ENDPOINT`). */
  endpoint?: string | undefined;
  /** Default: `AZURE_API_VERSION` (or `OPENAI_API_VERSION`), else a current GA version. */
  apiVersion?: string | undefined;
}

export const DEFAULT_AZURE_API_VERSION = "2024-10-21";

/** Azure OpenAI: OpenAI's chat completions behind a deployment URL, `api-version` and an `api-key` header. */
export class AzureOpenAILLM extends OpenAILLM {
  override readonly provider: string = "azure";
  private readonly azure: AzureOpenAILLMSettings;

  constructor(settings: AzureOpenAILLMSettings) {
    super(settings);
    this.azure = settings;
  }

  protected override clientConfig(): OpenAIClientConfig {
    const apiKey = this.azure.apiKey ?? process.env.AZURE_API_KEY ?? process.env.AZURE_OPENAI_API_KEY;
    const endpoint = this.azure.endpoint ?? process.env.AZURE_API_BASE ?? process.env.AZURE_OPENAI_ENDPOINT;
    const missing = [!apiKey && "AZURE_API_KEY (or pass `apiKey`)", !endpoint && "AZURE_API_BASE (or pass `endpoint`/`baseUrl`)"].filter(Boolean);
    if (!apiKey || !endpoint) {
      throw new LLMConfigurationError({ ...this.errorContext(), message: `Azure OpenAI is not configured: set ${missing.join(" and ")}` });
    }
    const apiVersion = this.azure.apiVersion ?? process.env.AZURE_API_VERSION ?? process.env.OPENAI_API_VERSION ?? DEFAULT_AZURE_API_VERSION;
    return { kind: "azure", apiKey, endpoint, apiVersion, deployment: this.modelName, headers: this.azure.headers };
  }

  protected override requestFlavor(): OpenAIRequestFlavor {
    return { model: this.modelName, maxTokensField: maxTokensFieldFor(this.modelName, false), providerOptionsKey: "azure" };
  }

  protected override priceCatalogLookup(): PriceCatalogLookup {
    return { providerId: "azure" };
  }

  protected override secrets(): readonly (string | undefined)[] {
    return [this.azure.apiKey, process.env.AZURE_API_KEY, process.env.AZURE_OPENAI_API_KEY, ...sensitiveHeaderValues(this.azure.headers)];
  }
}
