import { ChatInterface, type ChatResponse } from "../../src";
import { postJson, startApi, type StartedApi } from "../helpers/start-api";

class Echo extends ChatInterface {
  async *chat(message: string): AsyncGenerator<ChatResponse> {
    yield this.createTextResponse(message);
  }
}

describe("bad input", () => {
  let server: StartedApi;
  beforeAll(async () => {
    server = await startApi(Echo, { bodyLimit: "10kb" });
  });
  afterAll(() => server.close());

  it("answers 422 with pydantic-shaped details and the body for invalid chat requests", async () => {
    const body = { history: [{ role: "robot", content: 5 }], context: { timezone: "Mars/Olympus", state: [] } };
    const response = await postJson(server.url, "/api/chat", body);
    expect(response.status).toBe(422);
    expect(response.body.body).toEqual(body);
    expect(response.body.detail).toEqual(
      expect.arrayContaining([
        { type: "missing", loc: ["body", "message"], msg: "Field required", input: null },
        { type: "literal_error", loc: ["body", "history", 0, "role"], msg: "Input should be 'user' or 'assistant' or 'system'", input: "robot" },
        { type: "string_type", loc: ["body", "history", 0, "content"], msg: "Input should be a valid string", input: 5 },
        { type: "value_error", loc: ["body", "context", "timezone"], msg: expect.stringMatching(/time zone/), input: "Mars/Olympus" },
        { type: "dict_type", loc: ["body", "context", "state"], msg: "Input should be a valid dictionary", input: [] },
      ]),
    );
  });

  it("answers 422 for a body that is not an object, or missing", async () => {
    expect((await postJson(server.url, "/api/chat", [1, 2])).status).toBe(422);
    expect((await postJson(server.url, "/api/chat", "null")).status).toBe(422);
    const empty = await fetch(`${server.url}/api/chat`, { method: "POST" });
    expect(empty.status).toBe(422);
    expect((await empty.json()).detail[0].loc).toEqual(["body"]);
  });

  it("answers 400 for malformed JSON, 415 for other content types, 413 above the size limit", async () => {
    const malformed = await postJson(server.url, "/api/chat", '{"message": "unterminated');
    expect(malformed.status).toBe(400);
    expect(malformed.body.detail).toMatch(/^Malformed JSON body/);
    const form = await fetch(`${server.url}/api/chat`, { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, body: "message=hi" });
    expect(form.status).toBe(415);
    expect(await form.json()).toEqual({ detail: "Content-Type must be application/json" });
    const big = await postJson(server.url, "/api/chat", { message: "x".repeat(20_000) });
    expect(big).toMatchObject({ status: 413, body: { detail: "Request body is larger than the limit (10kb)" } });
  });

  it("refuses absurdly deep JSON with 422 instead of overflowing the stack", async () => {
    const deep = `{"message":"hi","context":{"state":${"[".repeat(2_000)}${"]".repeat(2_000)}}}`;
    const response = await postJson(server.url, "/api/chat", deep);
    expect(response).toMatchObject({ status: 422, body: { detail: "JSON nesting deeper than 64 levels" } });
  });

  it("drops __proto__ keys so nothing can reach a prototype", async () => {
    const response = await fetch(`${server.url}/api/chat`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: '{"message":"hi","context":{"__proto__":{"polluted":true},"extra":{"\\u005f_proto__":{"polluted":true}}}}',
    });
    expect(response.status).toBe(200);
    await response.text();
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.prototype).not.toHaveProperty("polluted");
  });

  it("validates feedback", async () => {
    const response = await postJson(server.url, "/api/feedback", { message_id: "m", feedback: "love" });
    expect(response.status).toBe(422);
    expect(response.body.detail[0]).toEqual({ type: "literal_error", loc: ["body", "feedback"], msg: "Input should be 'like' or 'dislike'", input: "love" });
  });

  it("answers unknown API routes with a JSON 404", async () => {
    for (const path of ["/api/nope", "/api", "/api/chat/extra"]) {
      const response = await fetch(`${server.url}${path}`);
      expect(response.status).toBe(404);
      expect((await response.json()).detail).toMatch(/^Not found/);
    }
    const wrongMethod = await fetch(`${server.url}/api/config`, { method: "DELETE" });
    expect(wrongMethod.status).toBe(404);
  });

  it("keeps serving after all of the above", async () => {
    expect((await fetch(`${server.url}/api/config`)).status).toBe(200);
  });
});
