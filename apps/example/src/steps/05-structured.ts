// Tutorial step 5: typed answers. After streaming its answer, the chat asks the model for follow-up
// questions as a typed list (structured output) and sends them as follow-up suggestions.
//   npx ragbits api run src/steps/05-structured.ts:FollowupChat
import { type ChatContext, ChatInterface, type ChatResponse } from "@ragbits/chat";
import { type ChatFormat, LiteLLM, type LLM, type Message, MockLLM, definePrompt } from "@ragbits/core";
import { z } from "zod";
import { modelName, offline } from "../tutorial-llm";

/** A typed prompt: validated input, a template checked when it is defined, and a schema for the answer. */
export const FollowupPrompt = definePrompt({
  name: "followup_questions",
  input: z.object({ question: z.string(), answer: z.string() }),
  output: z.object({ questions: z.array(z.string()).describe("Short questions the user may ask next, at most three") }),
  system: "You suggest what a user may want to ask next in a conversation. Keep each question under ten words.",
  user: "The user asked: {{ question }}\n\nThe assistant answered: {{ answer }}\n\nSuggest up to three follow-up questions.",
});

export class FollowupChat extends ChatInterface {
  llm: LLM = offline ? offlineModel() : new LiteLLM({ modelName });

  override uiCustomization = {
    header: { title: "Follow-ups", subtitle: "structured output", logo: null },
    welcomeMessage: "Ask anything: after each answer you get follow-up questions, generated as a typed list.",
    starterQuestions: ["What is TypeScript?", "How do I stream with fetch?"],
  };

  async *chat(message: string, history: ChatFormat, _context: ChatContext): AsyncGenerator<ChatResponse> {
    const stream = this.llm.generateStreaming([...history, { role: "user", content: message }]);
    for await (const chunk of stream) yield this.createTextResponse(chunk);

    // Typed as { questions: string[] }: parsed and validated, or an LLMOutputParsingError.
    const { questions } = await this.llm.generate(new FollowupPrompt({ question: message, answer: await stream.text }), { repair: true });
    if (questions.length) yield this.createFollowupMessages(questions.slice(0, 3));
  }
}

/** Offline, MockLLM streams a short answer and, asked for follow-ups, scripted JSON about the question. */
function offlineModel(): MockLLM {
  return new MockLLM({
    modelName: "offline-demo",
    chunkDelayMs: 20,
    response: (messages) => `You asked: "${lastUserText(messages)}". This offline demo answers from MockLLM; set OPENAI_API_KEY for real answers.`,
    output: (messages: readonly Message[]) => {
      const asked = /The user asked: (.*)/.exec(lastUserText(messages))?.[1]?.replace(/[?.!]+$/, "") ?? "this";
      return { questions: [`Can you give an example of ${asked.toLowerCase()}?`, "What are the common pitfalls?", "Where can I learn more?"] };
    },
  });
}

function lastUserText(messages: readonly Message[]): string {
  const last = [...messages].reverse().find((message) => message.role === "user");
  return typeof last?.content === "string" ? last.content : "";
}
