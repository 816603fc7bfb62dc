import { LiteLLM, type LLM, MockLLM } from "@ragbits/core";

/** The model the tutorial talks to: gpt-4o-mini, or RAGBITS_MODEL. */
export const modelName = process.env.RAGBITS_MODEL ?? "gpt-4o-mini";

/**
 * What keeps that model from answering on this machine (a missing provider key or endpoint, an
 * unknown name), in the model's own words — the same the server's start-up warning uses — or
 * undefined when it is set up. Nothing is sent anywhere to find out.
 */
export const missingConfiguration: string | undefined = new LiteLLM({ modelName }).configurationProblem();

export const offline = missingConfiguration !== undefined;

/** The variable to set, named in that message ("OPENAI_API_KEY"), for the UI's notice. */
export const missingVariable: string | undefined = /\b[A-Z][A-Z0-9]*_(?:API_KEY|API_BASE)\b/.exec(missingConfiguration ?? "")?.[0];

if (offline) {
  console.log(`[example] ${missingConfiguration}. Running the offline MockLLM demo instead: restart once it is set (or pick another model with RAGBITS_MODEL).`);
}

/**
 * `new LiteLLM({ modelName })` as in the tutorial when a key is set; otherwise an offline MockLLM
 * that streams a short markdown answer, so the example always works on a fresh machine.
 */
export function createTutorialLLM(): LLM {
  if (!offline) return new LiteLLM({ modelName });
  return new MockLLM({
    modelName: "offline-demo",
    chunkDelayMs: 25,
    response: (messages) => {
      const question = [...messages].reverse().find((message) => message.role === "user");
      const text = typeof question?.content === "string" ? question.content : "";
      const turns = messages.filter((message) => message.role === "user").length;
      return [
        `You said: **${text.replace(/[*_`]/g, "")}**`,
        "",
        `This is the offline demo (no API key was found), so the answer comes from \`MockLLM\`. It still streams word by word and remembers the conversation: this is message ${turns} of it.`,
        "",
        "```ts",
        'const llm = new LiteLLM({ modelName: "gpt-4o-mini" }); // set OPENAI_API_KEY to use it',
        "```",
      ].join("\n");
    },
  });
}
