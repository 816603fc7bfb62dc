/**
 * One LLM client library, reduced to what scenario 1 measures: stream one answer and say how many
 * text chunks arrived. Each adapter imports its library lazily, so a worker process only ever
 * loads the library it measures.
 */
export type StreamOnce = () => Promise<number>;

export type ClientLibraryId = "openai" | "ragbits" | "vercel" | "langchain";

export interface ClientLibrary {
  id: ClientLibraryId;
  label: string;
  /** Builds a client for the upstream at `baseUrl` (…/v1) and returns a function that streams one answer. */
  create(baseUrl: string): Promise<StreamOnce>;
}

export const MODEL = "gpt-4o-mini";
export const API_KEY = "sk-bench-not-a-real-key";
/** The same short conversation for every library: the cost measured is the stream's, not the prompt's. */
export const MESSAGES = [
  { role: "system" as const, content: "You are a helpful assistant." },
  { role: "user" as const, content: "Explain streaming in one paragraph." },
];
