import { API_KEY, type ClientLibrary, MESSAGES, MODEL } from "./client-library";

/** @ragbits/core as the tutorial uses it: `LiteLLM.generateStreaming`. */
export const ragbitsCoreClient: ClientLibrary = {
  id: "ragbits",
  label: "@ragbits/core LiteLLM.generateStreaming",
  async create(baseUrl) {
    const { LiteLLM } = await import("@ragbits/core");
    const llm = new LiteLLM({ modelName: MODEL, apiKey: API_KEY, baseUrl });
    return async () => {
      let chunks = 0;
      for await (const text of llm.generateStreaming(MESSAGES)) {
        if (text) chunks++;
      }
      return chunks;
    };
  },
};
