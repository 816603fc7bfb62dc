import { LLMAbortedError, LLMAuthenticationError, LLMConfigurationError, LLMConnectionError, LLMError, LLMRateLimitError, LLMTimeoutError } from "@ragbits/core";

/** What a user is told when the server's model is not set up (a missing API key, SDK or unknown model name). */
const NOT_CONFIGURED_MESSAGE = "This server is not configured to answer yet: its model is not set up (the server log says what is missing).";

/**
 * What the user is told when `chat()` fails: a message that helps without revealing internals
 * (the full error goes to the server log). In debug mode the error's own message is added.
 * Errors are recognised with `isInstance`, which also works when the app uses another copy of
 * @ragbits/core than this package does.
 */
export function describeErrorForUser(error: unknown, debugMode: boolean): string {
  const base = userMessage(error);
  if (!debugMode) return base;
  const detail = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return `${base} (${detail})`;
}

function userMessage(error: unknown): string {
  if (!LLMError.isInstance(error)) return "Something went wrong while generating the answer. Please try again.";
  // Retrying cannot fix a missing key: say what is wrong, not "try again".
  if (LLMConfigurationError.isInstance(error)) return NOT_CONFIGURED_MESSAGE;
  if (LLMRateLimitError.isInstance(error)) return "The model provider is rate limiting requests. Please try again in a moment.";
  if (LLMAuthenticationError.isInstance(error)) return "The model provider rejected the server's credentials.";
  if (LLMTimeoutError.isInstance(error)) return "The model took too long to respond. Please try again.";
  if (LLMConnectionError.isInstance(error)) return "The model provider could not be reached. Please try again.";
  if (LLMAbortedError.isInstance(error)) return "The answer was stopped.";
  return "The model could not produce an answer. Please try again.";
}
