import { LLMConnectionError } from "../errors/llm-error";
import { LLMBadRequestError, LLMRateLimitError } from "../errors/llm-status-error";
import { parseRetryAfterMs } from "./retry-after";
import { DEFAULT_RETRY_POLICY, retryDelayMs } from "./retry-policy";

const context = { provider: "openai", model: "gpt-4o-mini" };
const rateLimited = (retryAfterMs?: number) => new LLMRateLimitError({ ...context, statusCode: 429, providerMessage: "slow down", retryAfterMs });

describe("parseRetryAfterMs", () => {
  it("prefers retry-after-ms, then reads Retry-After as seconds or as an HTTP date", () => {
    expect(parseRetryAfterMs(new Headers({ "retry-after-ms": "250", "retry-after": "9" }))).toBe(250);
    expect(parseRetryAfterMs(new Headers({ "retry-after": "2" }))).toBe(2000);
    expect(parseRetryAfterMs({ "retry-after": "0.5" })).toBe(500);
    const now = Date.parse("2026-11-26T12:00:00Z");
    expect(parseRetryAfterMs({ "retry-after": "Thu, 26 Nov 2026 12:00:03 GMT" }, now)).toBe(3000);
  });

  it("ignores missing and unusable values", () => {
    expect(parseRetryAfterMs(undefined)).toBeUndefined();
    expect(parseRetryAfterMs(new Headers())).toBeUndefined();
    expect(parseRetryAfterMs({ "retry-after": "soon" })).toBeUndefined();
    expect(parseRetryAfterMs({ "retry-after": "-5" })).toBe(0);
  });
});

describe("retryDelayMs", () => {
  it("backs off exponentially with jitter, up to the cap", () => {
    const policy = { ...DEFAULT_RETRY_POLICY, maxRetries: 10 };
    const error = new LLMConnectionError({ ...context, message: "reset" });
    expect(retryDelayMs(error, 0, policy, () => 1)).toBe(500);
    expect(retryDelayMs(error, 1, policy, () => 1)).toBe(1000);
    expect(retryDelayMs(error, 2, policy, () => 0)).toBe(1500);
    expect(retryDelayMs(error, 8, policy, () => 1)).toBe(8000);
  });

  it("honours Retry-After, but gives up when the provider asks for more than the cap", () => {
    expect(retryDelayMs(rateLimited(1200), 0, DEFAULT_RETRY_POLICY)).toBe(1200);
    expect(retryDelayMs(rateLimited(120_000), 0, DEFAULT_RETRY_POLICY)).toBeUndefined();
  });

  it("never retries a non-retryable error, nor beyond maxRetries", () => {
    const badRequest = new LLMBadRequestError({ ...context, statusCode: 400, providerMessage: "bad" });
    expect(retryDelayMs(badRequest, 0, DEFAULT_RETRY_POLICY)).toBeUndefined();
    expect(retryDelayMs(rateLimited(10), 2, DEFAULT_RETRY_POLICY)).toBeUndefined();
  });
});
