import { apiKeyListCheck } from "./api-key-check";

/** Decides whether a bearer key may use the endpoint (look it up in your store, call your auth service…). */
export type ApiKeyCheck = (key: string) => boolean | Promise<boolean>;

/** `RagbitsAPIOptions.openaiCompatible`: serve the chat as an OpenAI chat-completions model under /v1. */
export interface OpenAICompatibleOptions {
  /**
   * The bearer keys clients send (`Authorization: Bearer <key>`, the OpenAI SDKs' `apiKey`): a list,
   * compared in constant time, or a function. With none (or an empty list) the endpoint asks for no
   * key, and `run()` refuses to listen anywhere but on a loopback address.
   */
  apiKeys?: readonly string[] | ApiKeyCheck;
  /** The model id clients ask for and GET /v1/models lists. Default "ragbits". */
  modelName?: string;
}

export const DEFAULT_OPENAI_MODEL_NAME = "ragbits";

/** The endpoint's settings once resolved: what the routes use. */
export interface OpenAICompatibleConfig {
  modelName: string;
  /** Undefined when no key is configured: the endpoint is open, and only loopback may reach it. */
  checkKey: ((key: string) => Promise<boolean>) | undefined;
  /** When the model "was created" for /v1/models: when the API was built, in Unix seconds. */
  created: number;
}

export function resolveOpenAICompatible(options: boolean | OpenAICompatibleOptions | undefined): OpenAICompatibleConfig | undefined {
  if (options === undefined || options === false) return undefined;
  const { apiKeys, modelName = DEFAULT_OPENAI_MODEL_NAME } = options === true ? {} : options;
  if (typeof modelName !== "string" || modelName.trim() === "") throw new TypeError("openaiCompatible.modelName must be a non-empty string");
  return { modelName, checkKey: keyCheck(apiKeys), created: Math.floor(Date.now() / 1000) };
}

function keyCheck(apiKeys: OpenAICompatibleOptions["apiKeys"]): OpenAICompatibleConfig["checkKey"] {
  if (typeof apiKeys === "function") return async (key) => (await apiKeys(key)) === true;
  if (apiKeys === undefined) return undefined;
  if (!Array.isArray(apiKeys)) throw new TypeError("openaiCompatible.apiKeys must be a list of keys or a function");
  // An empty key would let an empty bearer token in: never a key.
  const keys = apiKeys.filter((key): key is string => typeof key === "string" && key.trim() !== "");
  if (keys.length === 0) return undefined;
  const check = apiKeyListCheck(keys);
  return async (key) => check(key);
}
