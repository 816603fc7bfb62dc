/**
 * The chat both RagbitsAPI servers serve (Express and fetch adapter): the tutorial's streaming
 * chat, its `chat()` streaming from `LiteLLM` pointed at the upstream.
 */
import { type ChatContext, ChatInterface, type ChatResponse } from "@ragbits/chat";
import { type ChatFormat, LiteLLM } from "@ragbits/core";
import { CONVERSATION_HISTORY_ENV, upstreamBaseUrlFromEnv } from "./server-target";

export class BenchChat extends ChatInterface {
  // The UI scenario keeps the conversation in the browser, as the example app does.
  override conversationHistory = process.env[CONVERSATION_HISTORY_ENV] === "1";
  llm = new LiteLLM({ modelName: "gpt-4o-mini", apiKey: "sk-bench-not-a-real-key", baseUrl: upstreamBaseUrlFromEnv() });

  async *chat(message: string, history: ChatFormat, _context: ChatContext): AsyncGenerator<ChatResponse> {
    for await (const chunk of this.llm.generateStreaming([...history, { role: "user", content: message }])) {
      yield this.createTextResponse(chunk);
    }
  }
}
