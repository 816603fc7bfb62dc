/**
 * GET /api/conversations, GET and DELETE /api/conversations/:id on the adapter under test: a signed-in
 * user's own conversations only (another user's id answers exactly as an unknown one), newest first,
 * paged by cursor; their interactions with events, status and feedback; offered (and announced in
 * /api/config's x-ragbits-conversations header) only with auth and a HistoryStore.
 */
import { type ChatContext, ChatInterface, type ChatResponse, ListAuthentication, MemoryHistoryStore, type RagbitsAPIOptions } from "../../src";
import { postChat, postJson, startApi, type StartedApi } from "../helpers/start-api";

class Recorder extends ChatInterface {
  async *chat(message: string, _history: unknown, _context: ChatContext): AsyncGenerator<ChatResponse> {
    if (message === "fail") throw new Error("the model broke");
    yield this.createTextResponse("You said: ");
    yield this.createTextResponse(message);
    yield this.createReference("Source", "snippet", "https://example.com/source");
    yield this.createStateUpdate({ turns: 1 });
  }
}

const users = () =>
  new ListAuthentication([
    { username: "ada", password: "analytical-engine" },
    { username: "bob", password: "difference-engine" },
  ]);

const started: StartedApi[] = [];
afterEach(async () => {
  await Promise.all(started.splice(0).map((server) => server.close()));
});

async function server(options: RagbitsAPIOptions = {}, history: MemoryHistoryStore | null = new MemoryHistoryStore()): Promise<StartedApi> {
  const chat = new Recorder();
  if (history) chat.historyPersistence = history;
  const api = await startApi(chat, { auth: users(), ...options });
  started.push(api);
  return api;
}

async function login(url: string, username: string, password: string): Promise<string> {
  const response = await postJson(url, "/api/auth/login", { username, password });
  expect(response.status).toBe(200);
  return response.headers.get("set-cookie")!.split(";")[0]!;
}

/** Sends a message; returns the conversation and message ids the server announced (or the ones sent). */
async function chat(url: string, cookie: string, message: string, conversationId?: string): Promise<{ conversationId: string; messageId: string }> {
  const answer = await postChat(url, { message, context: conversationId ? { conversation_id: conversationId } : {} }, { headers: { cookie } });
  expect(answer.status).toBe(200);
  const announced = answer.events.find((event) => event.type === "conversation_id")?.content.conversation_id as string | undefined;
  return { conversationId: announced ?? conversationId!, messageId: answer.events.find((event) => event.type === "message_id")!.content.message_id as string };
}

async function get(url: string, path: string, cookie?: string): Promise<{ status: number; body: any; headers: Headers }> {
  const response = await fetch(`${url}${path}`, { headers: cookie ? { cookie } : {} });
  return { status: response.status, body: await response.json(), headers: response.headers };
}

async function del(url: string, path: string, cookie: string): Promise<{ status: number; body: any }> {
  const response = await fetch(`${url}${path}`, { method: "DELETE", headers: { cookie } });
  return { status: response.status, body: await response.json() };
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("the conversations a server keeps for its signed-in users", () => {
  it("lists the user's own conversations, newest first, and pages them with a cursor", async () => {
    const { url } = await server();
    const ada = await login(url, "ada", "analytical-engine");
    const bob = await login(url, "bob", "difference-engine");
    const first = await chat(url, ada, "first question of ada");
    await pause(5);
    const second = await chat(url, ada, "second conversation");
    await pause(5);
    await chat(url, bob, "bob's own question");
    await pause(5);
    // A later message in the first conversation makes it the most recently updated.
    await chat(url, ada, "a follow-up", first.conversationId);

    const list = await get(url, "/api/conversations", ada);
    expect(list.status).toBe(200);
    expect(list.headers.get("cache-control")).toBe("no-store");
    expect(list.body).toEqual({
      conversations: [
        { id: first.conversationId, title: "first question of ada", created_at: expect.any(Number), updated_at: expect.any(Number), interaction_count: 2 },
        { id: second.conversationId, title: "second conversation", created_at: expect.any(Number), updated_at: expect.any(Number), interaction_count: 1 },
      ],
      next_cursor: null,
    });
    expect(list.body.conversations[0].updated_at).toBeGreaterThan(list.body.conversations[1].updated_at);

    const pageOne = await get(url, "/api/conversations?limit=1", ada);
    expect(pageOne.body.conversations.map((c: { id: string }) => c.id)).toEqual([first.conversationId]);
    expect(typeof pageOne.body.next_cursor).toBe("string");
    const pageTwo = await get(url, `/api/conversations?limit=1&cursor=${encodeURIComponent(pageOne.body.next_cursor)}`, ada);
    expect(pageTwo.body).toEqual({ conversations: [expect.objectContaining({ id: second.conversationId })], next_cursor: null });

    const bobs = await get(url, "/api/conversations", bob);
    expect(bobs.body.conversations.map((c: { title: string }) => c.title)).toEqual(["bob's own question"]);
  });

  it("opens a conversation: each interaction's message, answer, events, status and feedback, oldest first", async () => {
    const { url } = await server();
    const ada = await login(url, "ada", "analytical-engine");
    const one = await chat(url, ada, "hello there");
    const two = await chat(url, ada, "fail", one.conversationId);
    expect((await postJson(url, "/api/feedback", { message_id: one.messageId, feedback: "like", payload: { why: "clear" } }, { cookie: ada })).status).toBe(200);

    const opened = await get(url, `/api/conversations/${one.conversationId}`, ada);
    expect(opened.status).toBe(200);
    expect(opened.headers.get("cache-control")).toBe("no-store");
    expect(opened.body).toEqual({
      id: one.conversationId,
      title: "hello there",
      created_at: expect.any(Number),
      updated_at: expect.any(Number),
      interaction_count: 2,
      interactions: [
        {
          message_id: one.messageId,
          message: "hello there",
          answer: "You said: hello there",
          events: [
            { type: "reference", content: { title: "Source", content: "snippet", url: "https://example.com/source" } },
            { type: "state_update", content: { state: { turns: 1 }, signature: expect.any(String) } },
          ],
          status: "completed",
          error: null,
          started_at: expect.any(Number),
          finished_at: expect.any(Number),
          feedback: { feedback: "like", payload: { why: "clear" }, created_at: expect.any(Number) },
        },
        expect.objectContaining({ message_id: two.messageId, message: "fail", answer: "", status: "error", error: expect.stringContaining("the model broke"), feedback: null }),
      ],
    });
  });

  it("answers another user's conversation exactly as an unknown one: 404, the same body, nothing deleted", async () => {
    const { url } = await server();
    const ada = await login(url, "ada", "analytical-engine");
    const bob = await login(url, "bob", "difference-engine");
    const { conversationId } = await chat(url, ada, "private matters");

    const foreign = await get(url, `/api/conversations/${conversationId}`, bob);
    const unknown = await get(url, "/api/conversations/no-such-conversation", bob);
    expect(foreign.status).toBe(404);
    expect(foreign.body).toEqual({ detail: "Conversation not found" });
    expect(unknown).toMatchObject({ status: foreign.status, body: foreign.body });
    expect(await del(url, `/api/conversations/${conversationId}`, bob)).toEqual({ status: 404, body: { detail: "Conversation not found" } });
    expect((await get(url, `/api/conversations/${conversationId}`, ada)).status).toBe(200);
  });

  it("deletes a conversation with its interactions: gone from the list and from GET", async () => {
    const { url } = await server();
    const ada = await login(url, "ada", "analytical-engine");
    const kept = await chat(url, ada, "keep this one");
    const doomed = await chat(url, ada, "delete this one");
    expect(await del(url, `/api/conversations/${doomed.conversationId}`, ada)).toEqual({ status: 200, body: { status: "success" } });
    expect((await get(url, `/api/conversations/${doomed.conversationId}`, ada)).status).toBe(404);
    expect((await get(url, "/api/conversations", ada)).body.conversations.map((c: { id: string }) => c.id)).toEqual([kept.conversationId]);
    expect((await del(url, `/api/conversations/${doomed.conversationId}`, ada)).status).toBe(404);
  });

  it("takes ids as the client chose them: percent-decoded path segments, case kept", async () => {
    const { url } = await server();
    const ada = await login(url, "ada", "analytical-engine");
    await chat(url, ada, "odd id", "Conv/With Space+Ünïcode");
    const opened = await get(url, `/api/conversations/${encodeURIComponent("Conv/With Space+Ünïcode")}`, ada);
    expect(opened).toMatchObject({ status: 200, body: { id: "Conv/With Space+Ünïcode", title: "odd id" } });
    expect((await get(url, `/api/conversations/${encodeURIComponent("conv/with space+ünïcode")}`, ada)).status).toBe(404);
    // Not a valid percent-encoding: an unknown path, not a server error.
    expect((await get(url, "/api/conversations/%E0%A4%A", ada)).status).toBe(404);
  });

  it("refuses anyone not signed in (401) and bad paging parameters (422, FastAPI's shape)", async () => {
    const { url } = await server();
    const ada = await login(url, "ada", "analytical-engine");
    expect(await get(url, "/api/conversations")).toMatchObject({ status: 401, body: { detail: "Not authenticated" } });
    expect((await get(url, "/api/conversations/x")).status).toBe(401);
    for (const [limit, type] of [
      ["0", "greater_than_equal"],
      ["101", "less_than_equal"],
      ["ten", "int_parsing"],
      ["1.5", "int_parsing"],
    ]) {
      const response = await get(url, `/api/conversations?limit=${limit}`, ada);
      expect(response).toMatchObject({ status: 422, body: { detail: [{ type, loc: ["query", "limit"], input: limit }] } });
    }
    const badCursor = await get(url, "/api/conversations?cursor=not-a-cursor", ada);
    expect(badCursor).toMatchObject({ status: 422, body: { detail: [{ type: "value_error", loc: ["query", "cursor"] }] } });
  });

  it("is announced in /api/config's x-ragbits-conversations header, the JSON unchanged; without auth or a store the routes do not exist", async () => {
    const offered = await server();
    const noStore = await server({}, null);
    const noAuth = await server({ auth: undefined });
    const offeredConfig = await fetch(`${offered.url}/api/config`);
    const noStoreConfig = await fetch(`${noStore.url}/api/config`);
    expect(offeredConfig.headers.get("x-ragbits-conversations")).toBe("server");
    expect(noStoreConfig.headers.get("x-ragbits-conversations")).toBe("none");
    expect((await fetch(`${noAuth.url}/api/config`)).headers.get("x-ragbits-conversations")).toBe("none");
    expect(await offeredConfig.text()).toBe(await noStoreConfig.text());

    const cookie = await login(noStore.url, "ada", "analytical-engine");
    expect(await get(noStore.url, "/api/conversations", cookie)).toEqual({ status: 404, body: { detail: "Not found: GET /api/conversations" }, headers: expect.anything() });
    // Without auth every conversation belongs to nobody: listing them would show everyone's to everyone.
    await postChat(noAuth.url, { message: "anonymous question" });
    expect((await get(noAuth.url, "/api/conversations")).status).toBe(404);
    expect((await get(noAuth.url, "/api/conversations/anything")).status).toBe(404);
  });

  it("lets a browser on an allowed origin read the header and send DELETE", async () => {
    const { url } = await server({ corsOrigins: ["http://app.example"] });
    const config = await fetch(`${url}/api/config`, { headers: { origin: "http://app.example" } });
    expect(config.headers.get("access-control-expose-headers")).toContain("x-ragbits-conversations");
    const preflight = await fetch(`${url}/api/conversations/x`, { method: "OPTIONS", headers: { origin: "http://app.example", "access-control-request-method": "DELETE" } });
    expect(preflight.headers.get("access-control-allow-methods")).toContain("DELETE");
  });
});
