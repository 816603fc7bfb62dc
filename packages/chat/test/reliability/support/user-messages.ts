/**
 * What the chat client is told when chat() fails, per error class, with debug mode off
 * (packages/chat/src/interface/describe-error.ts). Asserted exactly, so a change shows up here and in
 * docs/reliability.md.
 */
export const USER_MESSAGES = {
  rateLimited: "The model provider is rate limiting requests. Please try again in a moment.",
  credentials: "The model provider rejected the server's credentials.",
  timeout: "The model took too long to respond. Please try again.",
  unreachable: "The model provider could not be reached. Please try again.",
  failed: "The model could not produce an answer. Please try again.",
  /** Any error that is not an LLMError. */
  generic: "Something went wrong while generating the answer. Please try again.",
};
