import { type MockReply, defaultUsage, rawArguments, reasoningChunks, splitInto, textChunks } from "./mock-reply";
import { MockUpstreamServer, type MockUpstreamOptions, type RecordedRequest, type StreamFrames, type WireFormat } from "./mock-upstream-server";

const CHAT_PATH = "/v1/chat/completions";
const AZURE_CHAT_PATH = /^\/openai\/deployments\/([^/]+)\/chat\/completions$/;

const ERROR_TYPES: Record<number, { type: string; code: string | null }> = {
  400: { type: "invalid_request_error", code: null },
  401: { type: "invalid_request_error", code: "invalid_api_key" },
  403: { type: "invalid_request_error", code: "unsupported_country_region_territory" },
  404: { type: "invalid_request_error", code: "model_not_found" },
  429: { type: "requests", code: "rate_limit_exceeded" },
};

/** OpenAI chat completions (and Azure OpenAI's deployment URLs): SSE `data:` frames ending with `data: [DONE]`. */
export const openAIWireFormat: WireFormat = {
  name: "openai",
  streamContentType: "text/event-stream; charset=utf-8",

  matches: (method, path) => method === "POST" && (path === CHAT_PATH || AZURE_CHAT_PATH.test(path)),

  validate(request, server) {
    const azure = AZURE_CHAT_PATH.test(request.path);
    if (azure && !request.query["api-version"]) return { status: 404, message: "Resource not found" };
    if (!server.apiKey) return undefined;
    const sent = azure ? request.headers["api-key"] : request.headers.authorization?.replace(/^Bearer /, "");
    // Like the real API, the message names the key it was given: clients must keep it out of their errors.
    if (sent !== server.apiKey) return { status: 401, message: `Incorrect API key provided: ${String(sent)}. You can find your API key at https://platform.openai.com/account/api-keys.` };
    return undefined;
  },

  isStreaming: (body) => body?.stream === true,

  responseHeaders: (sequence) => ({ "x-request-id": `req_mock_${sequence}` }),

  streamFrames(reply, request): StreamFrames {
    const base = { id: `chatcmpl-mock${request.receivedAt}`, object: "chat.completion.chunk", created: Math.floor(request.receivedAt / 1000), model: modelOf(reply, request) };
    const chunk = (delta: object, finishReason: string | null = null) => frame({ ...base, choices: [{ index: 0, delta, logprobs: null, finish_reason: finishReason }] });

    const frames = [chunk({ role: "assistant", content: "" })];
    for (const piece of reasoningChunks(reply)) frames.push(chunk({ reasoning_content: piece }));
    for (const piece of textChunks(reply)) frames.push(chunk({ content: piece }));
    (reply.toolCalls ?? []).forEach((call, index) => {
      frames.push(chunk({ tool_calls: [{ index, id: call.id ?? `call_mock_${index}`, type: "function", function: { name: call.name, arguments: "" } }] }));
      for (const piece of splitInto(rawArguments(call), 3)) frames.push(chunk({ tool_calls: [{ index, function: { arguments: piece } }] }));
    });

    const terminators = [chunk({}, finishReasonOf(reply))];
    if (request.body?.stream_options?.include_usage) terminators.push(frame({ ...base, choices: [], usage: usageOf(reply, request) }));
    terminators.push("data: [DONE]\n\n");
    return { frames: [...frames, ...terminators], firstContentFrame: 1, terminatorFrames: terminators.length };
  },

  jsonBody(reply, request) {
    const text = textChunks(reply).join("");
    const reasoning = reasoningChunks(reply).join("");
    const toolCalls = (reply.toolCalls ?? []).map((call, index) => ({ id: call.id ?? `call_mock_${index}`, type: "function", function: { name: call.name, arguments: rawArguments(call) } }));
    return {
      id: `chatcmpl-mock${request.receivedAt}`,
      object: "chat.completion",
      created: Math.floor(request.receivedAt / 1000),
      model: modelOf(reply, request),
      choices: [
        {
          index: 0,
          message: { role: "assistant", content: toolCalls.length && !text ? null : text, ...(reasoning ? { reasoning_content: reasoning } : {}), ...(toolCalls.length ? { tool_calls: toolCalls } : {}) },
          logprobs: null,
          finish_reason: finishReasonOf(reply),
        },
      ],
      usage: usageOf(reply, request),
    };
  },

  errorBody(status, message) {
    const kind = ERROR_TYPES[status] ?? { type: status >= 500 ? "server_error" : "invalid_request_error", code: null };
    return { error: { message, type: kind.type, param: null, code: kind.code } };
  },

  malformedFrame: () => 'data: {"id":"chatcmpl-broken","choices":[{"delta":{"content":"oops\n\n',
};

function frame(data: object): string {
  return `data: ${JSON.stringify(data)}\n\n`;
}

function modelOf(reply: MockReply, request: RecordedRequest): string {
  return reply.model ?? request.body?.model ?? AZURE_CHAT_PATH.exec(request.path)?.[1] ?? "mock-model";
}

function finishReasonOf(reply: MockReply): string {
  return reply.finishReason ?? (reply.toolCalls?.length ? "tool_calls" : "stop");
}

function usageOf(reply: MockReply, request: RecordedRequest) {
  const usage = reply.usage ?? defaultUsage(request.body, reply);
  return {
    prompt_tokens: usage.promptTokens,
    completion_tokens: usage.completionTokens,
    total_tokens: usage.promptTokens + usage.completionTokens,
    prompt_tokens_details: { cached_tokens: usage.cachedPromptTokens ?? 0 },
    completion_tokens_details: { reasoning_tokens: usage.reasoningTokens ?? 0 },
  };
}

/** A loopback OpenAI-compatible server. `url` is the base URL for the SDK (`…/v1`); Azure clients use `origin`. */
export class OpenAIMockServer extends MockUpstreamServer {
  constructor(options?: MockUpstreamOptions) {
    super(openAIWireFormat, options);
  }

  static start(options?: MockUpstreamOptions): Promise<OpenAIMockServer> {
    return new OpenAIMockServer(options).listen();
  }

  get url(): string {
    return `${this.origin}/v1`;
  }
}
