import { createRedactor, headerRedactor, redactDeep, redactSecrets, sensitiveHeaderValues } from "./redact-secrets";

describe("redactSecrets", () => {
  it("removes known secrets and anything shaped like a provider key", () => {
    expect(redactSecrets("key=abcd1234efgh", ["abcd1234efgh"])).toBe("key=***");
    expect(redactSecrets("got sk-proj-AAAAbbbbCCCCdddd and sk-ant-api03-xyzxyzxyzxyz")).toBe("got sk-*** and sk-***");
    expect(redactSecrets("Authorization: Bearer abc.def.ghijklmnop")).toBe("Authorization: Bearer ***");
    expect(redactSecrets("nothing to hide")).toBe("nothing to hide");
  });
});

describe("sensitiveHeaderValues", () => {
  it("picks the credentials out of custom headers, without their scheme", async () => {
    expect(sensitiveHeaderValues({ Authorization: "Bearer proxy-token-123", "X-Api-Key": "k-456", "Content-Language": "en" })).toEqual(["proxy-token-123", "k-456"]);
    expect(sensitiveHeaderValues(undefined)).toEqual([]);
  });
});

describe("headerRedactor (the @ragbits/chat client's errors)", () => {
  it("masks the credential, each cookie value and whole values of sensitive headers, and nothing else", () => {
    const redact = headerRedactor(new Headers({ Authorization: "Bearer tok-0123456789", Cookie: "ragbits_session=cookie-secret-456; theme=dark", "X-Api-Key": "dGVzdGtleQ==", Accept: "text/plain" }));
    expect(redact("echo: Bearer tok-0123456789 / ragbits_session=cookie-secret-456 / key dGVzdGtleQ== / text/plain")).toBe(
      "echo: Bearer [redacted] / ragbits_session=[redacted] / key [redacted] / text/plain",
    );
  });

  it("leaves provider-key shapes it was not given alone (a client quotes the server's own text)", () => {
    expect(headerRedactor({ Authorization: "Bearer tok-0123456789" })("server said sk-proj-AAAAbbbbCCCCdddd")).toBe("server said sk-proj-AAAAbbbbCCCCdddd");
  });

  it("ignores fragments too short to mask without mangling ordinary text", () => {
    expect(headerRedactor({ Cookie: "a=1", "X-Token": "xyz" })("a=1 and xyz, 1 and xyz")).toBe("a=1 and xyz, 1 and xyz");
  });
});

describe("createRedactor and redactDeep", () => {
  it("masks a whole secret before a part of it could be masked, with the chosen mask", () => {
    expect(createRedactor(["abcd", "abcd-efgh-ijkl"], { mask: "#" })("abcd-efgh-ijkl abcd")).toBe("# #");
  });

  it("redacts every string of a JSON-like value, keys and other values untouched", () => {
    const redact = createRedactor(["s3cret-value"]);
    expect(redactDeep({ error: { message: "bad key s3cret-value", code: 401, list: ["s3cret-value", null, true] } }, redact)).toEqual({
      error: { message: "bad key ***", code: 401, list: ["***", null, true] },
    });
  });
});
