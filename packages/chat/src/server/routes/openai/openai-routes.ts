import { type RouteInput } from "../../api-context";
import { type ApiResponse } from "../../http/api-response";
import { bearerToken } from "./api-key-check";
import { chatCompletionsRoute } from "./chat-completions-route";
import { hostHeaderName, isLoopbackHost } from "./loopback-host";
import { modelsRoute } from "./models-route";
import { type OpenAICompatibleConfig } from "./openai-compatible-options";
import { openAIError, toOpenAIError } from "./openai-error";

type RouteHandler = (input: RouteInput) => Promise<ApiResponse>;

export interface OpenAIRoute {
  method: "GET" | "POST";
  path: string;
  handler: RouteHandler;
}

/** The OpenAI-compatible endpoint's routes, each behind the API-key check, every failure in OpenAI's error shape. */
export function openAIRoutes(config: OpenAICompatibleConfig): OpenAIRoute[] {
  return [
    { method: "POST", path: "/v1/chat/completions", handler: guarded(config, chatCompletionsRoute(config)) },
    { method: "GET", path: "/v1/models", handler: guarded(config, modelsRoute(config)) },
  ];
}

function guarded(config: OpenAICompatibleConfig, route: RouteHandler): RouteHandler {
  return async (input) => {
    try {
      await authorize(config, input);
      return await route(input);
    } catch (error) {
      const answer = toOpenAIError(error);
      if (answer) throw answer;
      // The request and its headers stay out of the log: the Authorization header is a key.
      input.context.logger.error({ err: error, method: input.request.method, path: input.request.path }, "OpenAI-compatible request failed");
      throw openAIError(500, "Internal server error", "server_error");
    }
  };
}

/**
 * With keys: a bearer key that passes the check, else 401 as OpenAI answers it (the key is never
 * echoed). Without: only requests addressed to a loopback name, so that a web page whose name
 * resolves to 127.0.0.1 (DNS rebinding) cannot use an endpoint that asks for no key.
 */
async function authorize(config: OpenAICompatibleConfig, { request }: RouteInput): Promise<void> {
  if (!config.checkKey) {
    const host = request.header("host");
    if (host !== undefined && !isLoopbackHost(hostHeaderName(host))) {
      throw openAIError(403, "This endpoint has no API keys configured, so it answers only requests to localhost. Configure API keys to serve it under another name.", "permission_error");
    }
    return;
  }
  const headers = { "www-authenticate": "Bearer" };
  const key = bearerToken(request.header("authorization"));
  if (key === undefined) {
    throw openAIError(401, "You didn't provide an API key. You need to provide your API key in an Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY).", "invalid_request_error", { headers });
  }
  if (!(await config.checkKey(key))) throw openAIError(401, "Incorrect API key provided.", "invalid_request_error", { code: "invalid_api_key", headers });
}
