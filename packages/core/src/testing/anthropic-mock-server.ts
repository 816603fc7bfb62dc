import { type MockReply, type MockUsage, defaultUsage, rawArguments, reasoningChunks, splitInto, textChunks } from "./mock-reply";
import { MockUpstreamServer, type MockUpstreamOptions, type RecordedRequest, type StreamFrames, type WireFormat } from "./mock-upstream-server";

const ERROR_TYPES: Record<number, string> = {
  400: "invalid_request_error",
  401: "authentication_error",
  403: "permission_error",
  404: "not_found_error",
  413: "request_too_large",
  429: "rate_limit_error",
  500: "api_error",
  529: "overloaded_error",
};

/** Anthropic Messages API: SSE with named events, message_start … message_stop. */
export const anthropicWireFormat: WireFormat = {
  name: "anthropic",
  streamContentType: "text/event-stream; charset=utf-8",

  matches: (method, path) => method === "POST" && path === "/v1/messages",

  validate(request, server) {
    if (!request.headers["anthropic-version"]) return { status: 400, message: "anthropic-version: header is required" };
    if (typeof request.body?.max_tokens !== "number") return { status: 400, message: "max_tokens: Field required" };
    // Older SDKs send the key as x-api-key, newer ones as a bearer token; the API takes both.
    const sent = request.headers["x-api-key"] ?? request.headers.authorization?.replace(/^Bearer /, "");
    if (server.apiKey && sent !== server.apiKey) return { status: 401, message: `invalid x-api-key: ${String(sent)}` };
    return undefined;
  },

  isStreaming: (body) => body?.stream === true,

  responseHeaders: (sequence) => ({ "request-id": `req_mock_${sequence}` }),

  streamFrames(reply, request): StreamFrames {
    const usage = reply.usage ?? defaultUsage(request.body, reply);
    const frames = [
      event("message_start", {
        type: "message_start",
        message: { id: messageId(request), type: "message", role: "assistant", model: modelOf(reply, request), content: [], stop_reason: null, stop_sequence: null, usage: inputUsage(usage, 1) },
      }),
    ];
    let index = 0;
    const block = (start: object, deltas: object[]) => {
      frames.push(event("content_block_start", { type: "content_block_start", index, content_block: start }));
      for (const delta of deltas) frames.push(event("content_block_delta", { type: "content_block_delta", index, delta }));
      frames.push(event("content_block_stop", { type: "content_block_stop", index }));
      index++;
    };
    const reasoning = reasoningChunks(reply);
    if (reasoning.length) block({ type: "thinking", thinking: "", signature: "" }, [...reasoning.map((thinking) => ({ type: "thinking_delta", thinking })), { type: "signature_delta", signature: "mock-signature" }]);
    frames.push(event("ping", { type: "ping" }));
    const text = textChunks(reply);
    if (text.length) block({ type: "text", text: "" }, text.map((piece) => ({ type: "text_delta", text: piece })));
    (reply.toolCalls ?? []).forEach((call, callIndex) =>
      block({ type: "tool_use", id: call.id ?? `toolu_mock_${callIndex}`, name: call.name, input: {} }, splitInto(rawArguments(call), 3).map((partial_json) => ({ type: "input_json_delta", partial_json }))),
    );
    const terminators = [
      event("message_delta", { type: "message_delta", delta: { stop_reason: stopReasonOf(reply), stop_sequence: null }, usage: { output_tokens: usage.completionTokens, ...(usage.reasoningTokens ? { output_tokens_details: { reasoning_tokens: usage.reasoningTokens } } : {}) } }),
      event("message_stop", { type: "message_stop" }),
    ];
    // message_start, then (thinking block, ping) or ping, then the first content_block_start and its first delta.
    const firstContentFrame = reasoning.length ? 2 : 3;
    return { frames: [...frames, ...terminators], firstContentFrame, terminatorFrames: terminators.length };
  },

  jsonBody(reply, request) {
    const usage = reply.usage ?? defaultUsage(request.body, reply);
    const reasoning = reasoningChunks(reply).join("");
    const text = textChunks(reply).join("");
    const content: object[] = [];
    if (reasoning) content.push({ type: "thinking", thinking: reasoning, signature: "mock-signature" });
    if (text) content.push({ type: "text", text });
    (reply.toolCalls ?? []).forEach((call, index) => {
      let input: unknown = call.arguments;
      if (typeof input === "string") {
        try {
          input = JSON.parse(input);
        } catch {
          // Anthropic always sends an object; a malformed string becomes an object holding it.
          input = { raw: input };
        }
      }
      content.push({ type: "tool_use", id: call.id ?? `toolu_mock_${index}`, name: call.name, input });
    });
    return {
      id: messageId(request),
      type: "message",
      role: "assistant",
      model: modelOf(reply, request),
      content,
      stop_reason: stopReasonOf(reply),
      stop_sequence: null,
      usage: inputUsage(usage, usage.completionTokens),
    };
  },

  errorBody: (status, message) => ({ type: "error", error: { type: ERROR_TYPES[status] ?? (status >= 500 ? "api_error" : "invalid_request_error"), message } }),

  malformedFrame: () => 'event: content_block_delta\ndata: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"oops\n\n',
};

/** Anthropic counts cache reads apart from `input_tokens`; MockUsage.promptTokens is the whole prompt. */
function inputUsage(usage: MockUsage, outputTokens: number) {
  const cached = usage.cachedPromptTokens ?? 0;
  return { input_tokens: usage.promptTokens - cached, cache_read_input_tokens: cached, output_tokens: outputTokens };
}

function event(name: string, data: object): string {
  return `event: ${name}\ndata: ${JSON.stringify(data)}\n\n`;
}

function messageId(request: RecordedRequest): string {
  return `msg_mock${request.receivedAt}`;
}

function modelOf(reply: MockReply, request: RecordedRequest): string {
  return reply.model ?? request.body?.model ?? "claude-mock";
}

function stopReasonOf(reply: MockReply): string {
  return reply.finishReason ?? (reply.toolCalls?.length ? "tool_use" : "end_turn");
}

/** A loopback Anthropic Messages API server. `url` is the SDK's `baseURL`. */
export class AnthropicMockServer extends MockUpstreamServer {
  constructor(options?: MockUpstreamOptions) {
    super(anthropicWireFormat, options);
  }

  static start(options?: MockUpstreamOptions): Promise<AnthropicMockServer> {
    return new AnthropicMockServer(options).listen();
  }

  get url(): string {
    return this.origin;
  }
}
