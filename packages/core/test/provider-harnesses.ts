import { AnthropicLLM, AzureOpenAILLM, type LLM, type LLMSettings, OllamaLLM, OpenAILLM } from "../src";
import { AnthropicMockServer, type MockUpstreamServer, OllamaMockServer, OpenAIMockServer } from "../src/testing";

export const VALID_KEY = "sk-valid-0123456789abcdef";
export const WRONG_KEY = "sk-wrong-9876543210fedcba";

/** Settings that keep fault tests fast: short backoff, short timeouts. */
export const FAST: LLMSettings = { retryPolicy: { initialDelayMs: 5, maxDelayMs: 20 }, timeoutMs: 5_000, idleTimeoutMs: 5_000 };

/** What differs between providers in the shared contract tests: wiring and the expected wire format. */
export interface ProviderHarness {
  name: string;
  startServer(options?: { apiKey?: string }): Promise<MockUpstreamServer>;
  createLLM(server: MockUpstreamServer, settings?: LLMSettings & { apiKey?: string }): LLM;
  /** The chat request's body fields as the provider should receive them. */
  expectHistory(body: any): void;
  expectToolHistory(body: any): void;
  expectOptions(body: any, streaming: boolean): void;
  /** Whether the provider keeps the tool-call ids it sends (all do; older Ollama servers send none). */
  keepsToolCallIds: boolean;
  reportsCachedTokens: boolean;
  /** Whether the provider authenticates requests with a key (Ollama does not). */
  usesApiKey: boolean;
  /**
   * What a malformed frame does: "error" (the SDK rejects it and the stream fails), or "skipped"
   * (ollama-js drops unparseable lines with a console warning; the rest of the answer arrives).
   */
  malformedFrame: "error" | "skipped";
}

export const HISTORY = [
  { role: "system", content: "You are terse." },
  { role: "user", content: "Hi" },
  { role: "assistant", content: "Hello!" },
  { role: "user", content: "How are you?" },
] as const;

export const TOOL_HISTORY = [
  { role: "user", content: "Weather in Paris?" },
  { role: "assistant", content: null, tool_calls: [{ id: "call_1", type: "function", function: { name: "get_weather", arguments: '{"city":"Paris"}' } }] },
  { role: "tool", tool_call_id: "call_1", content: "sunny" },
] as const;

export const OPTIONS = { temperature: 0.3, maxTokens: 50, topP: 0.9, stop: ["END"], seed: 7, frequencyPenalty: 0.1, presencePenalty: 0.2 };

const openAIHistory = (body: any) =>
  expect(body.messages).toEqual([
    { role: "system", content: "You are terse." },
    { role: "user", content: "Hi" },
    { role: "assistant", content: "Hello!" },
    { role: "user", content: "How are you?" },
  ]);

const openAIToolHistory = (body: any) => {
  expect(body.messages[1]).toEqual({ role: "assistant", content: null, tool_calls: [{ id: "call_1", type: "function", function: { name: "get_weather", arguments: '{"city":"Paris"}' } }] });
  expect(body.messages[2]).toEqual({ role: "tool", tool_call_id: "call_1", content: "sunny" });
};

const openAIOptions = (providerKey: string) => (body: any, streaming: boolean) => {
  expect(body).toMatchObject({ temperature: 0.3, max_tokens: 50, top_p: 0.9, stop: ["END"], seed: 7, frequency_penalty: 0.1, presence_penalty: 0.2, user: `from-${providerKey}` });
  if (streaming) expect(body.stream_options).toEqual({ include_usage: true });
};

export const harnesses: ProviderHarness[] = [
  {
    name: "openai",
    startServer: (options) => OpenAIMockServer.start(options),
    createLLM: (server, settings) => new OpenAILLM({ modelName: "gpt-4o-mini", apiKey: VALID_KEY, baseUrl: (server as OpenAIMockServer).url, ...FAST, ...settings }),
    expectHistory: openAIHistory,
    expectToolHistory: openAIToolHistory,
    expectOptions: openAIOptions("openai"),
    keepsToolCallIds: true,
    reportsCachedTokens: true,
    usesApiKey: true,
    malformedFrame: "error",
  },
  {
    name: "azure",
    startServer: (options) => OpenAIMockServer.start(options),
    createLLM: (server, settings) => new AzureOpenAILLM({ modelName: "my-deployment", apiKey: VALID_KEY, endpoint: server.origin, apiVersion: "2024-10-21", ...FAST, ...settings }),
    expectHistory: openAIHistory,
    expectToolHistory: openAIToolHistory,
    expectOptions: openAIOptions("azure"),
    keepsToolCallIds: true,
    reportsCachedTokens: true,
    usesApiKey: true,
    malformedFrame: "error",
  },
  {
    name: "anthropic",
    startServer: (options) => AnthropicMockServer.start(options),
    createLLM: (server, settings) => new AnthropicLLM({ modelName: "claude-sonnet-5-5", apiKey: VALID_KEY, baseUrl: server.origin, ...FAST, ...settings }),
    expectHistory: (body) => {
      expect(body.system).toBe("You are terse.");
      expect(body.messages).toEqual([
        { role: "user", content: [{ type: "text", text: "Hi" }] },
        { role: "assistant", content: [{ type: "text", text: "Hello!" }] },
        { role: "user", content: [{ type: "text", text: "How are you?" }] },
      ]);
    },
    expectToolHistory: (body) => {
      expect(body.messages).toEqual([
        { role: "user", content: [{ type: "text", text: "Weather in Paris?" }] },
        { role: "assistant", content: [{ type: "tool_use", id: "call_1", name: "get_weather", input: { city: "Paris" } }] },
        { role: "user", content: [{ type: "tool_result", tool_use_id: "call_1", content: "sunny" }] },
      ]);
    },
    expectOptions: (body) => {
      expect(body).toMatchObject({ temperature: 0.3, max_tokens: 50, top_p: 0.9, stop_sequences: ["END"], user: "from-anthropic" });
      // Options Anthropic has no field for are left out rather than sent and rejected.
      expect(body).not.toHaveProperty("seed");
      expect(body).not.toHaveProperty("frequency_penalty");
    },
    keepsToolCallIds: true,
    reportsCachedTokens: true,
    usesApiKey: true,
    malformedFrame: "error",
  },
  {
    name: "ollama",
    startServer: (options) => OllamaMockServer.start(options),
    createLLM: (server, settings) => new OllamaLLM({ modelName: "llama3.2", host: server.origin, ...FAST, ...settings }),
    expectHistory: (body) =>
      expect(body.messages).toEqual([
        { role: "system", content: "You are terse." },
        { role: "user", content: "Hi" },
        { role: "assistant", content: "Hello!" },
        { role: "user", content: "How are you?" },
      ]),
    expectToolHistory: (body) => {
      expect(body.messages[1]).toEqual({ role: "assistant", content: "", tool_calls: [{ function: { name: "get_weather", arguments: { city: "Paris" } } }] });
      expect(body.messages[2]).toEqual({ role: "tool", content: "sunny", tool_name: "get_weather" });
    },
    expectOptions: (body) => {
      expect(body.options).toEqual({ temperature: 0.3, num_predict: 50, top_p: 0.9, stop: ["END"], seed: 7, frequency_penalty: 0.1, presence_penalty: 0.2 });
      expect(body.user).toBe("from-ollama");
    },
    keepsToolCallIds: true,
    reportsCachedTokens: false,
    usesApiKey: false,
    malformedFrame: "skipped",
  },
];
