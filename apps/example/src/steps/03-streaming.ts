// Tutorial step 3: stream the answer as the model writes it.
//   npx ragbits api run src/steps/03-streaming.ts:StreamingChat
import { type ChatContext, ChatInterface, type ChatResponse } from "@ragbits/chat";
import { type ChatFormat } from "@ragbits/core";
import { createTutorialLLM } from "../tutorial-llm";

export class StreamingChat extends ChatInterface {
  llm = createTutorialLLM();

  async *chat(message: string, _history: ChatFormat, _context: ChatContext): AsyncGenerator<ChatResponse> {
    for await (const chunk of this.llm.generateStreaming(message)) {
      yield this.createTextResponse(chunk);
    }
  }
}
