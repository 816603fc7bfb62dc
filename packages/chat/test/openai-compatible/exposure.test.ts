/**
 * Without API keys the OpenAI-compatible endpoint may only be reachable from this machine: `run()`
 * refuses any other host before it listens, and the loopback test behind that refusal is right.
 */
import pino from "pino";
import { ChatInterface, type ChatResponse, OpenAICompatibleKeysRequiredError, RagbitsAPI, type RagbitsAPIOptions, isLoopbackHost } from "../../src";
import { apiKeyListCheck, bearerToken } from "../../src/server/routes/openai/api-key-check";
import { hostHeaderName } from "../../src/server/routes/openai/loopback-host";
import { TEST_SIGNER } from "../helpers/start-api";

const QUIET: RagbitsAPIOptions = { logger: pino({ level: "silent" }), stateSigner: TEST_SIGNER };

class Echo extends ChatInterface {
  async *chat(message: string): AsyncGenerator<ChatResponse> {
    yield this.createTextResponse(message);
  }
}

describe("run() with the OpenAI-compatible endpoint and no API keys", () => {
  it.each(["0.0.0.0", "::", "192.0.2.10", "my-host.example"])("refuses to listen on %s, naming what to do", async (host) => {
    for (const openaiCompatible of [true, { apiKeys: [] }, { apiKeys: ["", "  "] }]) {
      const api = new RagbitsAPI(Echo, { ...QUIET, openaiCompatible });
      const failure = await api.run({ host, port: 0 }).then(() => undefined, (error: unknown) => error);
      expect(OpenAICompatibleKeysRequiredError.isInstance(failure)).toBe(true);
      expect((failure as Error).message).toContain(`not on "${host}"`);
      expect((failure as Error).message).toMatch(/openaiCompatible\.apiKeys.*RAGBITS_OPENAI_API_KEYS/);
    }
  });

  it.each(["127.0.0.1", "localhost"])("listens on %s", async (host) => {
    const running = await new RagbitsAPI(Echo, { ...QUIET, openaiCompatible: true }).run({ host, port: 0, quiet: true });
    try {
      const response = await fetch(`${running.url}/v1/models`);
      expect(response.status).toBe(200);
    } finally {
      await running.close();
    }
  });

  it("is not refused anywhere when the endpoint is off", async () => {
    const running = await new RagbitsAPI(Echo, QUIET).run({ host: "127.0.0.1", port: 0, quiet: true });
    await running.close();
    expect(() => new RagbitsAPI(Echo, { ...QUIET, openaiCompatible: false })).not.toThrow();
  });
});

describe("isLoopbackHost", () => {
  it.each(["127.0.0.1", "127.1.2.3", "localhost", "LOCALHOST", "api.localhost", "::1", "[::1]", "0:0:0:0:0:0:0:1", "::ffff:127.0.0.1"])("%s is loopback", (host) => {
    expect(isLoopbackHost(host)).toBe(true);
  });

  it.each(["0.0.0.0", "::", "", "10.0.0.1", "192.168.1.1", "128.0.0.1", "localhost.example.com", "127.0.0.1.nip.io", "::2", "::ffff:10.0.0.1", "example.com"])("%s is not", (host) => {
    expect(isLoopbackHost(host)).toBe(false);
  });
});

describe("Host header names", () => {
  it.each([
    ["127.0.0.1:8000", "127.0.0.1"],
    ["localhost", "localhost"],
    ["[::1]:8000", "::1"],
    ["[::1]", "::1"],
    ["attacker.example:80", "attacker.example"],
  ])("%s → %s", (header, name) => {
    expect(hostHeaderName(header)).toBe(name);
  });
});

describe("API key comparison", () => {
  const check = apiKeyListCheck(["sk-first-key", "sk-second-key"]);

  it("accepts each listed key exactly", () => {
    expect(check("sk-first-key")).toBe(true);
    expect(check("sk-second-key")).toBe(true);
  });

  it.each(["", "sk-first", "sk-first-key ", "sk-first-keyX", "SK-FIRST-KEY", "sk-second-key\u0000"])("refuses %j", (key) => {
    expect(check(key)).toBe(false);
  });

  it("reads the token of a Bearer header only", () => {
    expect(bearerToken("Bearer sk-abc")).toBe("sk-abc");
    expect(bearerToken("bearer   sk-abc  ")).toBe("sk-abc");
    expect(bearerToken("Basic c2stYWJj")).toBeUndefined();
    expect(bearerToken("Bearer")).toBeUndefined();
    expect(bearerToken("Bearer a b")).toBeUndefined();
    expect(bearerToken(undefined)).toBeUndefined();
  });
});
