// Tutorial step 1: the smallest chat. It answers by echoing the message back.
//   npx ragbits api run src/steps/01-echo.ts:EchoChat
import { type ChatContext, ChatInterface, type ChatResponse } from "@ragbits/chat";
import { type ChatFormat } from "@ragbits/core";

export class EchoChat extends ChatInterface {
  async *chat(message: string, _history: ChatFormat, _context: ChatContext): AsyncGenerator<ChatResponse> {
    yield this.createTextResponse(`You said: ${message}`);
  }
}
