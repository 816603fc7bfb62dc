import { API_KEY, type ClientLibrary, MESSAGES, MODEL } from "./client-library";

const SYSTEM_PROMPT = MESSAGES.filter((message) => message.role === "system").map((message) => message.content).join("\n");
const USER_MESSAGES = MESSAGES.filter((message) => message.role !== "system");

/** Vercel AI SDK: `streamText` with the OpenAI provider on chat completions, read through `textStream`. */
export const vercelAIClient: ClientLibrary = {
  id: "vercel",
  label: "Vercel AI SDK streamText (@ai-sdk/openai)",
  async create(baseUrl) {
    const [{ streamText }, { createOpenAI }] = await Promise.all([import("ai"), import("@ai-sdk/openai")]);
    // The SDK logs a warning banner on first use; it is not part of the work being measured.
    (globalThis as { AI_SDK_LOG_WARNINGS?: boolean }).AI_SDK_LOG_WARNINGS = false;
    // `.chat()`: the provider's default model is the Responses API; the upstream speaks chat completions.
    const model = createOpenAI({ baseURL: baseUrl, apiKey: API_KEY }).chat(MODEL);
    return async () => {
      // The idiomatic form: the system prompt as `system` (a system message inside `messages` makes the
      // SDK print a prompt-injection warning on every call, which would be measured as its cost).
      const result = streamText({ model, system: SYSTEM_PROMPT, messages: USER_MESSAGES, maxRetries: 0 });
      let chunks = 0;
      for await (const text of result.textStream) {
        if (text) chunks++;
      }
      return chunks;
    };
  },
};
