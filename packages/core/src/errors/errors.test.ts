import * as baseErrors from "./llm-error";
import { LLMConfigurationError, LLMError } from "./llm-error";
import * as statusErrors from "./llm-status-error";
import { LLMAuthenticationError, LLMBadRequestError, LLMRateLimitError, LLMStatusError } from "./llm-status-error";
import { describeCause, toLLMError } from "./provider-error-info";

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

describe("LLMError", () => {
  it("is recognised across package copies by isInstance", () => {
    const error = new LLMConfigurationError({ provider: "x", model: "y", message: "z" });
    expect(LLMError.isInstance(error)).toBe(true);
    expect(LLMError.isInstance(new Error("plain"))).toBe(false);
    expect(error.name).toBe("LLMConfigurationError");
  });
});

describe("isInstance across two copies of the package", () => {
  type ErrorModules = typeof baseErrors & typeof statusErrors;
  const original: ErrorModules = { ...baseErrors, ...statusErrors };
  const CLASS_NAMES = [
    "LLMError",
    "LLMConfigurationError",
    "LLMInvalidPromptError",
    "LLMConnectionError",
    "LLMTimeoutError",
    "LLMAbortedError",
    "LLMEmptyResponseError",
    "LLMResponseError",
    "LLMStatusError",
    "LLMAuthenticationError",
    "LLMBadRequestError",
    "LLMRateLimitError",
  ] as const;
  type ClassName = (typeof CLASS_NAMES)[number];
  type AnyErrorClass = { new (options: any): Error; isInstance(value: unknown): boolean };
  const options = { provider: "p", model: "m", message: "x", statusCode: 500, providerMessage: "x", timeoutMs: 1 };

  let copy: ErrorModules;
  beforeAll(async () => {
    // A second, independent load of the modules: what two installed copies (or ESM beside CJS) give.
    await jest.isolateModulesAsync(async () => {
      copy = { ...(await import("./llm-error")), ...(await import("./llm-status-error")) };
    });
  });

  it("is a real second copy, which instanceof does not recognise", () => {
    const foreign = new copy.LLMRateLimitError({ ...options, statusCode: 429 });
    expect(copy.LLMRateLimitError).not.toBe(LLMRateLimitError);
    expect(foreign).not.toBeInstanceOf(LLMError);
    expect(LLMRateLimitError.isInstance(foreign)).toBe(true);
    expect(LLMStatusError.isInstance(foreign)).toBe(true);
    expect(LLMError.isInstance(foreign)).toBe(true);
    expect(LLMAuthenticationError.isInstance(foreign)).toBe(false);
    expect(original.LLMConnectionError.isInstance(foreign)).toBe(false);
  });

  it.each(CLASS_NAMES)("an error of the other copy's %s is recognised by exactly its own class and its ancestors", (created: ClassName) => {
    const foreign = new (copy[created] as AnyErrorClass)(options);
    for (const name of CLASS_NAMES) {
      // The other copy's own instanceof says what the answer must be.
      const expected = foreign instanceof (copy[name] as AnyErrorClass);
      expect([name, (original[name] as AnyErrorClass).isInstance(foreign)]).toEqual([name, expected]);
    }
  });

  it("rejects values that are not errors of the package", () => {
    for (const value of [new Error("plain"), null, undefined, "LLMError", { name: "LLMError" }]) expect(LLMError.isInstance(value)).toBe(false);
  });
});

describe("error texts", () => {
  it("chain a cause after a colon, without doubled punctuation or repeated codes", () => {
    // What fetch and the OpenAI SDK throw when nothing listens on the port.
    const socket = Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:9"), { code: "ECONNREFUSED" });
    const fetchFailed = new TypeError("fetch failed", { cause: socket });
    const sdkError = new Error("Connection error.", { cause: fetchFailed });
    expect(describeCause(sdkError)).toBe("Connection error: fetch failed: connect ECONNREFUSED 127.0.0.1:9");
    expect(describeCause(Object.assign(new Error("socket hang up."), { code: "ECONNRESET" }))).toBe("socket hang up (ECONNRESET)");
  });

  it("read as one sentence when a provider message ends with a full stop", () => {
    const error = toLLMError({ kind: "status", status: 429, message: "Rate limit reached.", headers: new Headers({ "x-request-id": "req_9" }) }, context);
    expect(error.message).toBe("openai (gpt-4o-mini): status 429: Rate limit reached (request id req_9)");
    const connection = toLLMError({ kind: "connection", message: describeCause(new Error("Connection error.", { cause: new TypeError("fetch failed") })) }, context);
    expect(connection.message).toBe("openai (gpt-4o-mini): Connection error: fetch failed");
  });
});
