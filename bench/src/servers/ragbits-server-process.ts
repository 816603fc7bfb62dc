/**
 * Scenario 2/3 server (b): the tutorial's streaming chat served by `RagbitsAPI.run()`, its
 * `chat()` streaming from `LiteLLM` pointed at the upstream. Logging is silenced (pino "silent")
 * so log I/O is not part of what is measured.
 */
import { type ChatContext, ChatInterface, type ChatResponse, RagbitsAPI } from "@ragbits/chat";
import { type ChatFormat, LiteLLM } from "@ragbits/core";
import { pino } from "pino";
import { serveParent } from "../process/serve-parent";
import { CONVERSATION_HISTORY_ENV, upstreamBaseUrlFromEnv } from "./server-target";

const baseUrl = upstreamBaseUrlFromEnv();

class BenchChat extends ChatInterface {
  // The UI scenario keeps the conversation in the browser, as the example app does.
  override conversationHistory = process.env[CONVERSATION_HISTORY_ENV] === "1";
  llm = new LiteLLM({ modelName: "gpt-4o-mini", apiKey: "sk-bench-not-a-real-key", baseUrl });

  async *chat(message: string, history: ChatFormat, _context: ChatContext): AsyncGenerator<ChatResponse> {
    for await (const chunk of this.llm.generateStreaming([...history, { role: "user", content: message }])) {
      yield this.createTextResponse(chunk);
    }
  }
}

const running = await new RagbitsAPI(BenchChat, { logger: pino({ level: "silent" }) }).run({ host: "127.0.0.1", port: 0 });
serveParent({}, { url: running.url });
