import { LLMConfigurationError, LLMError } from "./llm-error";
import { LLMAuthenticationError, LLMBadRequestError, LLMRateLimitError, LLMStatusError } from "./llm-status-error";
import { toLLMError } from "./provider-error-info";
import { redactSecrets } from "./redact-secrets";

const context = { provider: "openai", model: "gpt-4o-mini", secrets: ["sk-live-supersecretvalue"] };

describe("toLLMError", () => {
  it.each([
    [401, LLMAuthenticationError, false],
    [403, LLMAuthenticationError, false],
    [400, LLMBadRequestError, false],
    [422, LLMBadRequestError, false],
    [429, LLMRateLimitError, true],
    [408, LLMStatusError, true],
    [409, LLMStatusError, true],
    [404, LLMStatusError, false],
    [500, LLMStatusError, true],
    [529, LLMStatusError, true],
  ])("maps status %i to %p (retryable: %p)", (status, type, retryable) => {
    const error = toLLMError({ kind: "status", status, message: "nope" }, context);
    expect(error).toBeInstanceOf(type);
    expect(error.retryable).toBe(retryable);
    expect(error.message).toBe(`openai (gpt-4o-mini): status ${status}: nope`);
  });

  it("reads the request id and Retry-After from the headers", () => {
    const error = toLLMError({ kind: "status", status: 429, message: "slow", headers: new Headers({ "x-request-id": "req_1", "retry-after": "3" }) }, context) as LLMRateLimitError;
    expect(error.requestId).toBe("req_1");
    expect(error.retryAfterMs).toBe(3000);
    expect(error.message).toContain("request id req_1");
  });

  it("keeps secrets out of the message and the body", () => {
    const error = toLLMError({ kind: "status", status: 401, message: "Incorrect API key provided: sk-live-supersecretvalue", body: { error: { message: "key sk-live-supersecretvalue" } } }, context) as LLMStatusError;
    expect(JSON.stringify({ message: error.message, body: error.responseBody })).not.toContain("supersecret");
  });
});

describe("redactSecrets", () => {
  it("removes known secrets and anything shaped like a provider key", () => {
    expect(redactSecrets("key=abcd1234efgh", ["abcd1234efgh"])).toBe("key=***");
    expect(redactSecrets("got sk-proj-AAAAbbbbCCCCdddd and sk-ant-api03-xyzxyzxyzxyz")).toBe("got sk-*** and sk-***");
    expect(redactSecrets("Authorization: Bearer abc.def.ghijklmnop")).toBe("Authorization: Bearer ***");
    expect(redactSecrets("nothing to hide")).toBe("nothing to hide");
  });
});

describe("LLMError", () => {
  it("is recognised across package copies by isInstance", () => {
    const error = new LLMConfigurationError({ provider: "x", model: "y", message: "z" });
    expect(LLMError.isInstance(error)).toBe(true);
    expect(LLMError.isInstance(new Error("plain"))).toBe(false);
    expect(error.name).toBe("LLMConfigurationError");
  });
});

describe("sensitiveHeaderValues", () => {
  it("picks the credentials out of custom headers, without their scheme", async () => {
    const { sensitiveHeaderValues } = await import("./redact-secrets");
    expect(sensitiveHeaderValues({ Authorization: "Bearer proxy-token-123", "X-Api-Key": "k-456", "Content-Language": "en" })).toEqual(["proxy-token-123", "k-456"]);
    expect(sensitiveHeaderValues(undefined)).toEqual([]);
  });
});
