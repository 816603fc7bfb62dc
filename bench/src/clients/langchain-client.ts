import { API_KEY, type ClientLibrary, MESSAGES, MODEL } from "./client-library";

/** LangChain.js: `ChatOpenAI.stream`. */
export const langchainClient: ClientLibrary = {
  id: "langchain",
  label: "LangChain.js ChatOpenAI.stream",
  async create(baseUrl) {
    const { ChatOpenAI } = await import("@langchain/openai");
    const model = new ChatOpenAI({ model: MODEL, apiKey: API_KEY, configuration: { baseURL: baseUrl }, maxRetries: 0, streamUsage: true });
    return async () => {
      let chunks = 0;
      for await (const chunk of await model.stream(MESSAGES)) {
        if (typeof chunk.content === "string" && chunk.content) chunks++;
      }
      return chunks;
    };
  },
};
