/**
 * The sentinel API keys (support/sentinel-keys.ts, set in the environment for every reliability
 * suite) never appear in a log line, an error event, a response body, a persisted record or console
 * output — here in the worst case: debug mode on (error events carry the error's own message) and an
 * upstream that echoes the key it was sent in its 401 body, as OpenAI and Anthropic do.
 */
import { SENTINEL_KEYS, findSentinel } from "./support/sentinel-keys";
import { type IncomingMessage, type ServerResponse } from "node:http";
import { type ChatFormat, type LiteLLM } from "@ragbits/core";
import { type MockUpstreamServer, OllamaMockServer, OpenAIMockServer, AnthropicMockServer } from "@ragbits/core/testing";
import { type ChatContext, ChatInterface, type ChatResponse } from "../../src";
import { MemoryHistory } from "../helpers/memory-history";
import { waitFor } from "../helpers/start-api";
import { startChatServer } from "./support/chat-server";
import { chatStream, rawRequest } from "./support/http-client";
import { PROVIDERS, httpServerOf } from "./support/upstream-providers";
import { USER_MESSAGES } from "./support/user-messages";

/** Upstreams that expect another key than the one in the environment, so they answer 401 and echo ours. */
const START_REJECTING: Record<string, () => Promise<MockUpstreamServer>> = {
  openai: () => OpenAIMockServer.start({ apiKey: "sk-the-key-the-upstream-wants-000" }),
  azure: () => OpenAIMockServer.start({ apiKey: "the-azure-key-the-upstream-wants" }),
  anthropic: () => AnthropicMockServer.start({ apiKey: "sk-ant-the-key-the-upstream-wants" }),
  // Ollama takes no key: a proxy in front of it echoes an OpenAI-style one.
  ollama: async () => (await OllamaMockServer.start()).enqueue({ status: 401, errorMessage: `Unauthorized: ${SENTINEL_KEYS.OPENAI_API_KEY} is not valid here` }),
};

const SENT_KEY: Record<string, string | undefined> = { openai: SENTINEL_KEYS.OPENAI_API_KEY, azure: SENTINEL_KEYS.AZURE_API_KEY, anthropic: SENTINEL_KEYS.ANTHROPIC_API_KEY, ollama: undefined };

describe.each(PROVIDERS)("$name: the API key stays secret", (provider) => {
  it("when the upstream echoes it in a 401 and the server runs in debug mode", async () => {
    const upstream = await START_REJECTING[provider.name]!();
    const upstreamBodies = captureResponseBodies(upstream);
    const history = new MemoryHistory();
    const llm: LiteLLM = provider.createLLM(upstream.origin, { maxRetries: 0 });
    class Tutorial extends ChatInterface {
      override historyPersistence = history;
      async *chat(message: string, chatHistory: ChatFormat, _context: ChatContext): AsyncGenerator<ChatResponse> {
        for await (const chunk of llm.generateStreaming([...chatHistory, { role: "user", content: message }])) yield this.createTextResponse(chunk);
      }
    }
    const consoleLines: string[] = [];
    const spies = (["log", "info", "warn", "error", "debug"] as const).map((method) => jest.spyOn(console, method).mockImplementation((...args: unknown[]) => void consoleLines.push(args.map(String).join(" "))));
    const chat = await startChatServer(Tutorial, { debugMode: true });
    try {
      const result = await chatStream(chat.port, { message: "hello" });
      await waitFor(() => history.records.length === 1, 2_000, "the interaction to be saved");
      const config = await rawRequest(chat.port, { method: "GET", path: "/api/config" });

      // The key really was sent, and really was echoed back: the test is not vacuous.
      const sent = SENT_KEY[provider.name];
      if (sent) expect(JSON.stringify(upstream.lastRequest!.headers)).toContain(sent);
      expect(upstreamBodies.join("")).toContain(sent ?? SENTINEL_KEYS.OPENAI_API_KEY);
      // Debug mode shows the error's own message, with the key masked.
      expect(result.errors).toHaveLength(1);
      expect(result.errors[0]).toMatch(new RegExp(`^${escape(USER_MESSAGES.credentials)} \\(LLMAuthenticationError: .*status 401: .*\\*\\*\\*`));
      const logged = chat.logs.find((line) => line.msg === "chat() failed");
      expect(logged?.err?.type).toBe("LLMAuthenticationError");

      const everything = [result.raw, config.body.toString(), ...chat.rawLogs, JSON.stringify(history.records), ...consoleLines].join("\n");
      expect(findSentinel(everything)).toBeUndefined();
    } finally {
      for (const spy of spies) spy.mockRestore();
      await chat.close();
      await upstream.close();
    }
  });
});

/** What the upstream wrote in its answers. */
function captureResponseBodies(upstream: MockUpstreamServer): string[] {
  const bodies: string[] = [];
  httpServerOf(upstream).on("request", (_req: IncomingMessage, res: ServerResponse) => {
    const write = res.write.bind(res) as (...args: unknown[]) => boolean;
    res.write = ((chunk: unknown, ...rest: unknown[]) => {
      bodies.push(String(chunk));
      return write(chunk, ...rest);
    }) as typeof res.write;
  });
  return bodies;
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
