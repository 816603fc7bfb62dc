// The tutorial's final app: a streaming chat that remembers the conversation.
//   pnpm start                                   (runs src/server.ts)
//   npx ragbits api run src/main.ts:SimpleStreamingChat --host 0.0.0.0 --port 9000 --reload --debug
import { type ChatContext, ChatInterface, type ChatResponse } from "@ragbits/chat";
import { type ChatFormat } from "@ragbits/core";
import { createTutorialLLM, missingVariable, modelName, offline } from "./tutorial-llm";

// The same facts as the console notice: which model, and which variable would switch it on.
const notSetUp = missingVariable ? `${missingVariable} is not set` : `${modelName} is not set up`;

export class SimpleStreamingChat extends ChatInterface {
  llm = createTutorialLLM(); // new LiteLLM({ modelName: "gpt-4o-mini" }) when a provider key is set

  override uiCustomization = {
    header: { title: "Ragbits chat", subtitle: offline ? `offline demo — ${notSetUp}, answers come from MockLLM` : `talking to ${modelName}`, logo: null },
    welcomeMessage: offline
      ? `**Offline demo.** ${notSetUp}, so answers come from \`MockLLM\` instead of **${modelName}**. Set ${missingVariable ? `\`${missingVariable}\`` : "it up"} (or \`RAGBITS_MODEL\` and its key) and restart to talk to a real model.`
      : `Ask anything: answers stream from **${modelName}**.`,
    starterQuestions: ["What can you do?", "Show me some TypeScript", "Summarise our conversation"],
  };
  override conversationHistory = true;
  override showUsage = true;
  override feedbackConfig = { like: { enabled: true }, dislike: { enabled: true } };

  async *chat(message: string, history: ChatFormat, _context: ChatContext): AsyncGenerator<ChatResponse> {
    const stream = this.llm.generateStreaming([...history, { role: "user", content: message }]);
    for await (const chunk of stream) {
      yield this.createTextResponse(chunk);
    }
    // The stream's totals are promises, resolved now that the loop has finished.
    yield await this.createUsageResponse(stream);
  }
}
