import { type ClientLibrary, type ClientLibraryId } from "./client-library";
import { langchainClient } from "./langchain-client";
import { ragbitsCoreClient } from "./ragbits-core-client";
import { rawOpenAIClient } from "./raw-openai-client";
import { vercelAIClient } from "./vercel-ai-client";

/** Scenario 1's contenders, the floor first. */
export const CLIENT_LIBRARIES: readonly ClientLibrary[] = [rawOpenAIClient, ragbitsCoreClient, vercelAIClient, langchainClient];

export function clientLibrary(id: ClientLibraryId): ClientLibrary {
  const library = CLIENT_LIBRARIES.find((candidate) => candidate.id === id);
  if (!library) throw new Error(`unknown client library "${id}"`);
  return library;
}
