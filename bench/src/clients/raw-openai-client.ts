import { API_KEY, type ClientLibrary, MESSAGES, MODEL } from "./client-library";

/** The floor for an SDK-based client: the official `openai` SDK's own stream, nothing on top. */
export const rawOpenAIClient: ClientLibrary = {
  id: "openai",
  label: "openai SDK (raw stream)",
  async create(baseUrl) {
    const { default: OpenAI } = await import("openai");
    const client = new OpenAI({ baseURL: baseUrl, apiKey: API_KEY, maxRetries: 0 });
    return async () => {
      // include_usage as @ragbits/core asks for it, so both read the same frames.
      const stream = await client.chat.completions.create({ model: MODEL, messages: MESSAGES, stream: true, stream_options: { include_usage: true } });
      let chunks = 0;
      for await (const chunk of stream) {
        if (chunk.choices[0]?.delta?.content) chunks++;
      }
      return chunks;
    };
  },
};
