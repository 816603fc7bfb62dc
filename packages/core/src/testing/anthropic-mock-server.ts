import { type MockIteration, type MockReply, type MockUsage, defaultUsage, rawArguments, reasoningChunks, splitInto, textChunks } from "./mock-reply";
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
    const provisional = reply.provisionalUsage ?? { ...usage, completionTokens: 1, reasoningTokens: undefined, webSearchRequests: undefined };
    const messageStart = event("message_start", {
      type: "message_start",
      message: { id: messageId(request), type: "message", role: "assistant", model: modelOf(reply, request), content: [], stop_reason: null, stop_sequence: null, stop_details: null, usage: wireUsage(provisional) },
    });
    const frames = [messageStart];
    let index = 0;
    // The first frame that gives the client something (a delta of a thinking, text or tool_use block).
    let firstContentFrame = -1;
    const block = (start: object, deltas: object[], visible: boolean) => {
      frames.push(event("content_block_start", { type: "content_block_start", index, content_block: start }));
      deltas.forEach((delta, position) => {
        if (visible && position === 0 && firstContentFrame < 0) firstContentFrame = frames.length;
        frames.push(event("content_block_delta", { type: "content_block_delta", index, delta }));
      });
      frames.push(event("content_block_stop", { type: "content_block_stop", index }));
      index++;
    };
    const reasoning = reasoningChunks(reply);
    if (reasoning.length) block({ type: "thinking", thinking: "", signature: "" }, [...reasoning.map((thinking) => ({ type: "thinking_delta", thinking })), { type: "signature_delta", signature: "mock-signature" }], true);
    frames.push(event("ping", { type: "ping" }));
    // Server tools run inside the call: their input streams like a tool's, their result arrives whole.
    (reply.serverToolCalls ?? []).forEach((call, callIndex) => {
      const id = call.id ?? `srvtoolu_mock_${callIndex}`;
      block({ type: "server_tool_use", id, name: call.name, input: {} }, splitInto(JSON.stringify(call.input), 2).map((partial_json) => ({ type: "input_json_delta", partial_json })), false);
      block({ type: "web_search_tool_result", tool_use_id: id, content: [{ type: "web_search_result", url: "https://example.com/", title: "Example", encrypted_content: "mock", page_age: null }] }, [], false);
    });
    const text = textChunks(reply);
    if (text.length) block({ type: "text", text: "" }, text.map((piece) => ({ type: "text_delta", text: piece })), true);
    (reply.toolCalls ?? []).forEach((call, callIndex) =>
      block({ type: "tool_use", id: call.id ?? `toolu_mock_${callIndex}`, name: call.name, input: {} }, splitInto(rawArguments(call), 3).map((partial_json) => ({ type: "input_json_delta", partial_json })), true),
    );
    if (firstContentFrame < 0) firstContentFrame = frames.length - 1;
    // A second message_start right after the first content frame: a protocol violation clients must reject.
    if (reply.fault === "duplicate-message-start") frames.splice(firstContentFrame + 1, 0, messageStart);
    const terminators = [
      event("message_delta", { type: "message_delta", delta: { stop_reason: stopReasonOf(reply), stop_sequence: null, stop_details: stopDetailsOf(reply) }, usage: wireUsage(usage, reply.iterations) }),
      event("message_stop", { type: "message_stop" }),
    ];
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
      stop_details: stopDetailsOf(reply),
      usage: wireUsage(usage, reply.iterations),
    };
  },

  streamErrorFrame: (status, message) => event("error", { type: "error", error: { type: ERROR_TYPES[status] ?? (status >= 500 ? "api_error" : "invalid_request_error"), message } }),

  errorBody: (status, message) => ({ type: "error", error: { type: ERROR_TYPES[status] ?? (status >= 500 ? "api_error" : "invalid_request_error"), message } }),

  malformedFrame: () => 'event: content_block_delta\ndata: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"oops\n\n',
};

/**
 * Usage as Anthropic writes it: cache reads and writes counted apart from `input_tokens` (MockUsage's
 * promptTokens is the whole prompt), thinking tokens as `output_tokens_details.thinking_tokens`.
 */
function wireUsage(usage: MockUsage, iterations?: MockIteration[]) {
  const cached = usage.cachedPromptTokens ?? 0;
  const written = usage.cacheWritePromptTokens ?? 0;
  return {
    input_tokens: usage.promptTokens - cached - written,
    cache_creation_input_tokens: written,
    cache_read_input_tokens: cached,
    output_tokens: usage.completionTokens,
    output_tokens_details: usage.reasoningTokens === undefined ? null : { thinking_tokens: usage.reasoningTokens },
    server_tool_use: usage.webSearchRequests === undefined ? null : { web_search_requests: usage.webSearchRequests, web_fetch_requests: 0 },
    ...(iterations
      ? {
          iterations: iterations.map((step) => ({
            type: step.type,
            input_tokens: step.promptTokens - (step.cachedPromptTokens ?? 0) - (step.cacheWritePromptTokens ?? 0),
            cache_read_input_tokens: step.cachedPromptTokens ?? 0,
            cache_creation_input_tokens: step.cacheWritePromptTokens ?? 0,
            output_tokens: step.completionTokens,
          })),
        }
      : {}),
  };
}

function stopDetailsOf(reply: MockReply) {
  return reply.refusal === undefined ? null : { type: "refusal", category: "cyber", explanation: reply.refusal || null };
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
  if (reply.refusal !== undefined) return "refusal";
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
