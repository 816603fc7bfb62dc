import { type MockReply, defaultUsage, reasoningChunks, textChunks } from "./mock-reply";
import { MockUpstreamServer, type MockUpstreamOptions, type RecordedRequest, type StreamFrames, type WireFormat } from "./mock-upstream-server";

/** Ollama's /api/chat: newline-delimited JSON, the last line with `done: true` and the counters. */
export const ollamaWireFormat: WireFormat = {
  name: "ollama",
  streamContentType: "application/x-ndjson",

  matches: (method, path) => method === "POST" && path === "/api/chat",

  // Ollama streams unless told otherwise.
  isStreaming: (body) => body?.stream !== false,

  streamFrames(reply, request): StreamFrames {
    const base = () => ({ model: modelOf(reply, request), created_at: new Date(request.receivedAt).toISOString() });
    const frames: string[] = [];
    for (const thinking of reasoningChunks(reply)) frames.push(line({ ...base(), message: { role: "assistant", content: "", thinking }, done: false }));
    for (const content of textChunks(reply)) frames.push(line({ ...base(), message: { role: "assistant", content }, done: false }));
    if (reply.toolCalls?.length) frames.push(line({ ...base(), message: { role: "assistant", content: "", tool_calls: toolCallsOf(reply) }, done: false }));
    const final = line({ ...base(), message: { role: "assistant", content: "" }, done: true, done_reason: reply.finishReason ?? "stop", ...counters(reply, request) });
    return { frames: [...frames, final], firstContentFrame: 0, terminatorFrames: 1 };
  },

  jsonBody(reply, request) {
    const reasoning = reasoningChunks(reply).join("");
    const message: Record<string, unknown> = { role: "assistant", content: textChunks(reply).join("") };
    if (reasoning) message.thinking = reasoning;
    if (reply.toolCalls?.length) message.tool_calls = toolCallsOf(reply);
    return { model: modelOf(reply, request), created_at: new Date(request.receivedAt).toISOString(), message, done: true, done_reason: reply.finishReason ?? "stop", ...counters(reply, request) };
  },

  errorBody: (_status, message) => ({ error: message }),

  malformedFrame: () => '{"model":"broken","message":{"role":"assistant","content":"oops\n',

  streamErrorFrame: (_status, message) => line({ error: message }),
};

function line(data: object): string {
  return `${JSON.stringify(data)}\n`;
}

function modelOf(reply: MockReply, request: RecordedRequest): string {
  return reply.model ?? request.body?.model ?? "llama-mock";
}

/**
 * Ollama sends tool calls whole, with arguments as an object. Recent servers give each an id
 * (`call_…`) and the function its index; a MockToolCall without `id` is sent as older servers do, without.
 */
function toolCallsOf(reply: MockReply) {
  return (reply.toolCalls ?? []).map((call, index) => ({
    ...(call.id ? { id: call.id } : {}),
    function: { ...(call.id ? { index } : {}), name: call.name, arguments: typeof call.arguments === "string" ? safeParse(call.arguments) : call.arguments },
  }));
}

function safeParse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function counters(reply: MockReply, request: RecordedRequest) {
  const usage = reply.usage ?? defaultUsage(request.body, reply);
  return { total_duration: 1_000_000, load_duration: 1_000, prompt_eval_count: usage.promptTokens, prompt_eval_duration: 1_000, eval_count: usage.completionTokens, eval_duration: 1_000 };
}

/** A loopback Ollama server. `url` is the SDK's `host`. */
export class OllamaMockServer extends MockUpstreamServer {
  constructor(options?: MockUpstreamOptions) {
    super(ollamaWireFormat, options);
  }

  static start(options?: MockUpstreamOptions): Promise<OllamaMockServer> {
    return new OllamaMockServer(options).listen();
  }

  get url(): string {
    return this.origin;
  }
}
