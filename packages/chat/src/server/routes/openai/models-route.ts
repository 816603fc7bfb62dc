import { type ApiResponse, jsonResponse } from "../../http/api-response";
import { type OpenAICompatibleConfig } from "./openai-compatible-options";

/** GET /v1/models: the one model this server is, in OpenAI's list shape. */
export function modelsRoute(config: OpenAICompatibleConfig) {
  return async (): Promise<ApiResponse> => jsonResponse({ object: "list", data: [{ id: config.modelName, object: "model", created: config.created, owned_by: "ragbits" }] });
}
