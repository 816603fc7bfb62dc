import { LiteLLM, type LLM, MockLLM } from "@ragbits/core";

const PROVIDER_KEYS: Record<string, string> = { openai: "OPENAI_API_KEY", anthropic: "ANTHROPIC_API_KEY", azure: "AZURE_API_KEY" };

/** The model the tutorial talks to: gpt-4o-mini, or RAGBITS_MODEL. */
export const modelName = process.env.RAGBITS_MODEL ?? "gpt-4o-mini";

/** Whether the configured model can actually be reached with what the environment holds. */
function hasCredentials(): boolean {
  if (modelName.startsWith("ollama/") || modelName.startsWith("mock/") || process.env.OPENAI_BASE_URL) return true;
  const provider = new LiteLLM({ modelName }).provider;
  const key = PROVIDER_KEYS[provider];
  return key !== undefined && Boolean(process.env[key]);
}

export const offline = !hasCredentials();

if (offline) {
  console.log(`[example] No API key for ${modelName} (set ${PROVIDER_KEYS[new LiteLLM({ modelName }).provider] ?? "a provider key"} or RAGBITS_MODEL): running the offline MockLLM demo.`);
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
