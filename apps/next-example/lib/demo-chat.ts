import { type ChatContext, ChatInterface, type ChatResponse } from "@ragbits/chat";
import { type ChatFormat, LiteLLM, type LLM, MockLLM } from "@ragbits/core";

/** The model: `RAGBITS_MODEL` (with its provider's key) when set, otherwise the offline MockLLM. */
const modelName = process.env.RAGBITS_MODEL;

/**
 * The chat this app serves. With no model configured it answers from MockLLM, word by word with a
 * short pause between words, so a fresh checkout has a working, visibly streaming chat.
 */
export class DemoChat extends ChatInterface {
  llm: LLM = modelName ? new LiteLLM({ modelName }) : offlineModel();

  override uiCustomization = {
    header: { title: "Ragbits chat on Next.js", subtitle: modelName ? `talking to ${modelName}` : "offline demo: answers come from MockLLM", logo: null },
    welcomeMessage: modelName
      ? `Ask anything: answers stream from **${modelName}** through a Next.js route handler.`
      : "**Offline demo.** This chat is served by a Next.js route handler (`RagbitsAPI.fetch`). Set `RAGBITS_MODEL` and its provider key to talk to a real model.",
    starterQuestions: ["What can you do?", "How is this served?"],
  };
  override conversationHistory = true;

  async *chat(message: string, history: ChatFormat, context: ChatContext): AsyncGenerator<ChatResponse> {
    let chunks = 0;
    try {
      // The model call needs no signal: it runs in the turn's abort scope, so a client that goes
      // away (closed tab, Stop button) cancels it. context.signal is there for the app's own work.
      for await (const chunk of this.llm.generateStreaming([...history, { role: "user", content: message }])) {
        chunks++;
        yield this.createTextResponse(chunk);
      }
    } finally {
      if (context.signal.aborted) console.info(`[next-example] turn stopped after ${chunks} chunks: the client went away`);
    }
  }
}

function offlineModel(): LLM {
  return new MockLLM({
    modelName: "offline-demo",
    chunkDelayMs: 30,
    response: (messages) => {
      const question = [...messages].reverse().find((message) => message.role === "user");
      const text = typeof question?.content === "string" ? question.content : "";
      const turns = messages.filter((message) => message.role === "user").length;
      return [
        `You said: **${text.replace(/[*_`]/g, "")}**`,
        "",
        "This answer comes from `MockLLM` through a Next.js App Router route handler: `app/api/[...ragbits]/route.ts` exports `GET` and `POST` from `RagbitsAPI.fetch`, and every word you see arrived as its own server-sent event.",
        "",
        `This is message ${turns} of our conversation.`,
      ].join("\n");
    },
  });
}
