import { type ChatFormat } from "@ragbits/core";
import { type ChatContext, ChatInterface, type ChatResponse, StateSigner, canonicalJson } from "../../src";
import { TEST_SIGNER, postChat, postJson, startApi } from "../helpers/start-api";

class Counter extends ChatInterface {
  async *chat(_message: string, _history: ChatFormat, context: ChatContext): AsyncGenerator<ChatResponse> {
    const count = Number(context.state.count ?? 0) + 1;
    yield this.createTextResponse(`count=${count}`);
    yield this.createStateUpdate({ count, nested: { b: 1, a: [1, "ż"] } });
  }
}

describe("signed conversation state", () => {
  it("round-trips: the client sends back what it was given and chat() sees it", async () => {
    const server = await startApi(Counter, { stateSigner: TEST_SIGNER });
    try {
      const first = await postChat(server.url, { message: "one" });
      const update = first.events.find((event) => event.type === "state_update")!.content;
      expect(update.signature).toBe(TEST_SIGNER.sign(update.state));
      const second = await postChat(server.url, { message: "two", context: { state: update.state, signature: update.signature } });
      expect(second.events.find((event) => event.type === "text")!.content.text).toBe("count=2");
    } finally {
      await server.close();
    }
  });

  it("rejects tampered state and state without a signature with 400", async () => {
    const server = await startApi(Counter);
    try {
      const signature = TEST_SIGNER.sign({ count: 1 });
      const tampered = await postJson(server.url, "/api/chat", { message: "x", context: { state: { count: 1000 }, signature } });
      expect(tampered).toMatchObject({ status: 400, body: { detail: "Invalid state signature" } });
      const unsigned = await postJson(server.url, "/api/chat", { message: "x", context: { state: { count: 5 } } });
      expect(unsigned).toMatchObject({ status: 400, body: { detail: "Invalid state signature" } });
      const otherKey = await postJson(server.url, "/api/chat", { message: "x", context: { state: { count: 1 }, signature: new StateSigner("other").sign({ count: 1 }) } });
      expect(otherKey.status).toBe(400);
    } finally {
      await server.close();
    }
  });

  it("serialises state as Python Ragbits does (json.dumps with sort_keys), so signatures match across servers", () => {
    expect(canonicalJson({ b: [1, "zażółć 😀"], a: 1.5, c: { z: null, y: true } })).toBe('{"a": 1.5, "b": [1, "za\\u017c\\u00f3\\u0142\\u0107 \\ud83d\\ude00"], "c": {"y": true, "z": null}}');
    // Computed by Python: base64(hmac.new(b"secret", json.dumps({"count": 1}, sort_keys=True).encode(), "sha256").digest())
    expect(new StateSigner("secret").sign({ count: 1 })).toBe("4v/SwKa6VHlcWczGPNKeXaEqq4YHN96yPGHb+sb6gSQ=");
  });
});
