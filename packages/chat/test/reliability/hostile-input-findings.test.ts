/**
 * Bugs the hostile-input fuzzer (hostile-input.test.ts) found, reduced to one request each: both
 * failed against the src of commit a7a7d64 and pass since the fixes of 626aa85, which they keep in
 * place. Then the exact answers docs/reliability.md gives for a few kinds of hostile input the fuzzer
 * only bounds (no 5xx, a JSON 4xx).
 */
import "./support/sentinel-keys";
import { gzipSync } from "node:zlib";
import { ChatInterface, type ChatResponse } from "../../src";
import { type ChatServer, startChatServer } from "./support/chat-server";
import { rawRequest } from "./support/http-client";

class Uploads extends ChatInterface {
  override uploadHandler = async () => undefined;
  async *chat(message: string): AsyncGenerator<ChatResponse> {
    yield this.createTextResponse(message);
  }
}

const chatRequest = (body: Buffer, headers: Record<string, string> = {}) => ({ method: "POST", path: "/api/chat", headers: { "content-type": "application/json", ...headers }, body });

describe("findings of the hostile-input fuzzer", () => {
  let server: ChatServer;
  beforeAll(async () => {
    server = await startChatServer(Uploads);
  });
  afterAll(() => server.close());

  /**
   * A multipart part whose header busboy cannot parse was a 500 ("request failed" logged at error
   * level) instead of a 400: busboy rejects it with `Error: Malformed part header`, which
   * `clientInputError` (src/server/http-error.ts) did not recognise (its pattern
   * /Multipart|Unexpected end of form|boundary/ misses it). Fix: upload-route.ts turns everything the
   * multipart parser rejects into a 400 (413 for the file size limit).
   */
  it.each([
    ["a part without headers", "--x\r\n\r\n--x--\r\n"],
    ["a NUL byte in a part header", '--x\r\nContent-Disposition: form-data; name="file"; filename="a\u0000b.txt"\r\n\r\ndata\r\n--x--\r\n'],
  ])("a multipart body with %s is a 400 JSON answer, not a 500", async (_name, body) => {
    const logsBefore = server.logs.length;
    const response = await rawRequest(server.port, { method: "POST", path: "/api/upload", headers: { "content-type": "multipart/form-data; boundary=x" }, body: Buffer.from(body) });
    expect({ status: response.status, body: JSON.parse(response.body.toString()) }).toEqual({ status: 400, body: { detail: expect.stringMatching(/multipart/i) } });
    expect(server.logs.slice(logsBefore).filter((line) => line.level >= 50)).toEqual([]);
  });

  /**
   * Paths under /api are routed case-insensitively for the known routes (Express's default:
   * `POST /API/chat` streams a chat, `GET /API/config` answers the config), but the "unknown /api/*
   * is a JSON 404" catch-all (src/server/ragbits-api.ts) and the UI's SPA fallback
   * (src/server/ui-routes.ts) were case-sensitive: an unknown `/API/…` path got the UI's index.html
   * with 200 (GET) or Express's HTML "Cannot POST" page (other methods) instead of PROTOCOL.md's JSON
   * 404. Fix: both patterns are case-insensitive.
   */
  it.each([
    ["GET", "/API/nope"],
    ["POST", "/API/nope"],
    ["DELETE", "/Api/chat/extra"],
  ])("%s %s (an unknown /api path in another case) is a JSON 404", async (method, path) => {
    const response = await rawRequest(server.port, { method, path, headers: { "content-type": "application/json" }, body: method === "GET" ? undefined : Buffer.from("{}") });
    expect(response.status).toBe(404);
    expect(response.headers["content-type"]).toMatch(/^application\/json/);
    expect(JSON.parse(response.body.toString())).toEqual({ detail: expect.stringMatching(/^Not found/) });
  });

  describe("answers to hostile input, as docs/reliability.md gives them", () => {
    it("invalid UTF-8 inside a JSON string reaches chat() as U+FFFD", async () => {
      const body = Buffer.concat([Buffer.from('{"message":"a'), Buffer.from([0xff, 0xc0, 0xaf]), Buffer.from('b"}')]);
      const response = await rawRequest(server.port, chatRequest(body));
      expect(response.status).toBe(200);
      // JSON.stringify leaves U+FFFD as is: the event line holds the three replacement characters.
      expect(response.body.toString("utf8")).toContain(`"text":"a${"\ufffd".repeat(3)}b"`);
    });

    it("a gzip body that decompresses past the limit is a 413, however small it is on the wire", async () => {
      const bomb = gzipSync(Buffer.from(JSON.stringify({ message: " ".repeat(5_000_000) })));
      expect(bomb.length).toBeLessThan(10_000);
      const response = await rawRequest(server.port, chatRequest(bomb, { "content-encoding": "gzip" }));
      expect({ status: response.status, body: JSON.parse(response.body.toString()) }).toEqual({ status: 413, body: { detail: expect.stringMatching(/larger than the limit/) } });
    });

    it.each([
      ["gzip that is not gzip", 400, { "content-encoding": "gzip" }],
      ["an unknown content encoding", 415, { "content-encoding": "bogus" }],
      ["an unknown charset", 415, { "content-type": "application/json; charset=bogus" }],
    ])("%s is a %i with a JSON detail", async (_name, status, headers) => {
      const response = await rawRequest(server.port, chatRequest(Buffer.from('{"message":"hi"}'), headers as Record<string, string>));
      expect(response.status).toBe(status);
      expect(JSON.parse(response.body.toString())).toEqual({ detail: expect.any(String) });
    });
  });
});
