import { LLMAbortedError, LLMAuthenticationError, LLMConnectionError, LLMError, LLMRateLimitError, LLMTimeoutError } from "@ragbits/core";

/**
 * What the user is told when `chat()` fails: a message that helps without revealing internals
 * (the full error goes to the server log). In debug mode the error's own message is added.
 */
export function describeErrorForUser(error: unknown, debugMode: boolean): string {
  const base = userMessage(error);
  if (!debugMode) return base;
  const detail = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return `${base} (${detail})`;
}

function userMessage(error: unknown): string {
  if (!LLMError.isInstance(error)) return "Something went wrong while generating the answer. Please try again.";
  if (error instanceof LLMRateLimitError) return "The model provider is rate limiting requests. Please try again in a moment.";
  if (error instanceof LLMAuthenticationError) return "The model provider rejected the server's credentials.";
  if (error instanceof LLMTimeoutError) return "The model took too long to respond. Please try again.";
  if (error instanceof LLMConnectionError) return "The model provider could not be reached. Please try again.";
  if (error instanceof LLMAbortedError) return "The answer was stopped.";
  return "The model could not produce an answer. Please try again.";
}
