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
    const chunk = (delta: object, finishReason: string | null = null, index = 0) => frame({ ...base, choices: [{ index, delta, logprobs: null, finish_reason: finishReason }] });

    // Choice 0: role, reasoning, text or refusal, tool calls.
    const first = [chunk(reply.refusal === undefined ? { role: "assistant", content: "" } : { role: "assistant", content: null, refusal: null })];
    for (const piece of reasoningChunks(reply)) first.push(chunk(reply.contentAsParts ? { content: [{ type: "thinking", thinking: [{ type: "text", text: piece }] }] } : { reasoning_content: piece }));
    for (const piece of textChunks(reply)) first.push(chunk({ content: reply.contentAsParts ? [{ type: "text", text: piece }] : piece }));
    if (reply.refusal !== undefined) for (const piece of splitInto(reply.refusal, 3)) first.push(chunk({ refusal: piece }));
    (reply.toolCalls ?? []).forEach((call, index) => {
      first.push(chunk({ tool_calls: [{ index, id: call.id ?? `call_mock_${index}`, type: "function", function: { name: call.name, arguments: "" } }] }));
      for (const piece of splitInto(rawArguments(call), 3)) first.push(chunk({ tool_calls: [{ index, function: { arguments: piece } }] }));
    });

    // With n > 1 the choices' chunks interleave; each carries its index, and each choice finishes on its own.
    const others = (reply.extraChoices ?? []).map((text, offset) => [chunk({ role: "assistant", content: "" }, null, offset + 1), ...toArray(text).map((piece) => chunk({ content: piece }, null, offset + 1))]);
    const frames: string[] = [];
    let firstContentFrame = 1;
    for (let position = 0; position < Math.max(first.length, ...others.map((list) => list.length)); position++) {
      if (position === 1) firstContentFrame = frames.length;
      for (const list of [first, ...others]) if (position < list.length) frames.push(list[position]!);
    }

    const terminators = [...others.map((_, offset) => chunk({}, "stop", others.length - offset)), chunk({}, finishReasonOf(reply))];
    if (request.body?.stream_options?.include_usage) terminators.push(frame({ ...base, choices: [], usage: usageOf(reply, request) }));
    terminators.push("data: [DONE]\n\n");
    return { frames: [...frames, ...terminators], firstContentFrame, terminatorFrames: terminators.length };
  },

  jsonBody(reply, request) {
    const text = textChunks(reply).join("");
    const reasoning = reasoningChunks(reply).join("");
    const toolCalls = (reply.toolCalls ?? []).map((call, index) => ({ id: call.id ?? `call_mock_${index}`, type: "function", function: { name: call.name, arguments: rawArguments(call) } }));
    let content: unknown = toolCalls.length && !text ? null : text;
    if (reply.refusal !== undefined) content = null;
    else if (reply.contentAsParts) content = [...(reasoning ? [{ type: "thinking", thinking: [{ type: "text", text: reasoning }] }] : []), { type: "text", text }];
    const message = {
      role: "assistant",
      content,
      refusal: reply.refusal ?? null,
      ...(reasoning && !reply.contentAsParts ? { reasoning_content: reasoning } : {}),
      ...(toolCalls.length ? { tool_calls: toolCalls } : {}),
    };
    const others = (reply.extraChoices ?? []).map((choice, offset) => ({ index: offset + 1, message: { role: "assistant", content: toArray(choice).join(""), refusal: null }, logprobs: null, finish_reason: "stop" }));
    return {
      id: `chatcmpl-mock${request.receivedAt}`,
      object: "chat.completion",
      created: Math.floor(request.receivedAt / 1000),
      model: modelOf(reply, request),
      // Choice 0 last: clients must pick it by its index, not by position.
      choices: [...others, { index: 0, message, logprobs: null, finish_reason: finishReasonOf(reply) }],
      usage: usageOf(reply, request),
    };
  },

  streamErrorFrame: (status, message) => frame({ error: { message, type: status >= 500 ? "server_error" : (ERROR_TYPES[status]?.type ?? "invalid_request_error"), param: null, code: null } }),

  errorBody(status, message) {
    const kind = ERROR_TYPES[status] ?? { type: status >= 500 ? "server_error" : "invalid_request_error", code: null };
    return { error: { message, type: kind.type, param: null, code: kind.code } };
  },

  malformedFrame: () => 'data: {"id":"chatcmpl-broken","choices":[{"delta":{"content":"oops\n\n',
};

function toArray(value: string | string[]): string[] {
  return typeof value === "string" ? [value] : value;
}

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
