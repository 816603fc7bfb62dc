// Tutorial step 2: answer with an LLM (the whole answer at once).
//   npx ragbits api run src/steps/02-llm.ts:LLMChat
import { type ChatContext, ChatInterface, type ChatResponse } from "@ragbits/chat";
import { type ChatFormat } from "@ragbits/core";
import { createTutorialLLM } from "../tutorial-llm";

export class LLMChat extends ChatInterface {
  llm = createTutorialLLM(); // new LiteLLM({ modelName: "gpt-4o-mini" }) when OPENAI_API_KEY is set

  async *chat(message: string, _history: ChatFormat, _context: ChatContext): AsyncGenerator<ChatResponse> {
    yield this.createTextResponse(await this.llm.generate(message));
  }
}
