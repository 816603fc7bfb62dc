import { LLMAuthenticationError, LLMConfigurationError, LLMConnectionError, LLMRateLimitError, LLMResponseError } from "@ragbits/core";
import { describeErrorForUser } from "./describe-error";

const context = { provider: "openai", model: "gpt-4o-mini" };

describe("describeErrorForUser", () => {
  it("tells the user the server is not configured when the model is not set up, without advising a retry", () => {
    const missingKey = new LLMConfigurationError({ ...context, message: "no API key: set the OPENAI_API_KEY environment variable or pass `apiKey`" });
    const message = describeErrorForUser(missingKey, false);
    expect(message).toBe("This server is not configured to answer yet: its model is not set up (the server log says what is missing).");
    expect(message).not.toMatch(/try again|OPENAI|apiKey|openai/i);
  });

  it("keeps the other messages", () => {
    expect(describeErrorForUser(new LLMRateLimitError({ ...context, statusCode: 429, providerMessage: "x" }), false)).toBe("The model provider is rate limiting requests. Please try again in a moment.");
    expect(describeErrorForUser(new LLMAuthenticationError({ ...context, statusCode: 401, providerMessage: "x" }), false)).toBe("The model provider rejected the server's credentials.");
    expect(describeErrorForUser(new LLMConnectionError({ ...context, message: "x" }), false)).toBe("The model provider could not be reached. Please try again.");
    expect(describeErrorForUser(new LLMResponseError({ ...context, message: "x" }), false)).toBe("The model could not produce an answer. Please try again.");
    expect(describeErrorForUser(new Error("boom"), false)).toBe("Something went wrong while generating the answer. Please try again.");
  });

  it("adds the error's own text in debug mode only", () => {
    const error = new LLMConfigurationError({ ...context, message: "no API key" });
    expect(describeErrorForUser(error, true)).toBe("This server is not configured to answer yet: its model is not set up (the server log says what is missing). (LLMConfigurationError: openai (gpt-4o-mini): no API key)");
  });
});
