import { type ChatFormat } from "@ragbits/core";
import { type ChatContext, ChatInterface, type ChatResponse, ListAuthentication } from "../../src";
import { postChat, postJson, startApi, type StartedApi } from "../helpers/start-api";

class WhoAmI extends ChatInterface {
  async *chat(_message: string, _history: ChatFormat, context: ChatContext): AsyncGenerator<ChatResponse> {
    yield this.createTextResponse(`hello ${context.user?.username ?? "nobody"} (${context.sessionId ? "session" : "no session"})`);
  }
}

function cookieOf(headers: Headers): string {
  return headers.get("set-cookie")!.split(";")[0]!;
}

describe("credentials authentication", () => {
  let server: StartedApi;
  beforeAll(async () => {
    const hash = await ListAuthentication.hashPassword("correct horse");
    server = await startApi(WhoAmI, {
      auth: new ListAuthentication([{ username: "ann", passwordHash: hash, email: "ann@example.com", roles: ["admin"] }, { username: "bob", password: "bob-pass" }]),
    });
  });
  afterAll(() => server.close());

  it("refuses chat, feedback and /api/user without a session", async () => {
    expect(await postJson(server.url, "/api/chat", { message: "hi" })).toMatchObject({ status: 401, body: { detail: "Not authenticated" } });
    expect((await postJson(server.url, "/api/feedback", { message_id: "m", feedback: "like" })).status).toBe(401);
    expect((await fetch(`${server.url}/api/user`)).status).toBe(401);
    // Config stays public: the UI needs it to show the login page.
    expect((await fetch(`${server.url}/api/config`)).status).toBe(200);
  });

  it("logs in with a bcrypt-checked password, sets a safe session cookie, and puts the user in the context", async () => {
    const login = await postJson(server.url, "/api/auth/login", { username: "ann", password: "correct horse" });
    expect(login.status).toBe(200);
    expect(login.body).toEqual({ success: true, user: { user_id: "ann", username: "ann", email: "ann@example.com", full_name: null, roles: ["admin"], metadata: {} }, error_message: null });
    const setCookie = login.headers.get("set-cookie")!;
    expect(setCookie).toMatch(/^ragbits_session=[A-Za-z0-9_-]{43};/);
    expect(setCookie).toMatch(/HttpOnly/);
    expect(setCookie).toMatch(/SameSite=Lax/);
    expect(setCookie).toMatch(/Path=\//);
    expect(setCookie).not.toMatch(/Secure/);
    const cookie = cookieOf(login.headers);

    const me = await fetch(`${server.url}/api/user`, { headers: { cookie } });
    expect(await me.json()).toMatchObject({ username: "ann" });
    const chat = await postChat(server.url, { message: "hi", context: { user: { username: "mallory" } } }, { headers: { cookie } });
    expect(chat.events.find((event) => event.type === "text")!.content.text).toBe("hello ann (session)");

    const logout = await postJson(server.url, "/api/auth/logout", {}, { cookie });
    expect(logout.status).toBe(200);
    expect(logout.headers.get("set-cookie")).toMatch(/Max-Age=0/);
    expect((await fetch(`${server.url}/api/user`, { headers: { cookie } })).status).toBe(401);
  });

  it("logs in users given with a plain password too", async () => {
    expect((await postJson(server.url, "/api/auth/login", { username: "bob", password: "bob-pass" })).status).toBe(200);
  });

  it("answers a wrong password and an unknown user the same way", async () => {
    const wrong = await postJson(server.url, "/api/auth/login", { username: "bob", password: "nope" });
    const unknown = await postJson(server.url, "/api/auth/login", { username: "zed", password: "nope" });
    expect(wrong).toMatchObject({ status: 401, body: { success: false, user: null, error_message: "Invalid username or password" } });
    expect(unknown.body).toEqual(wrong.body);
    expect(wrong.headers.get("set-cookie")).toBeNull();
  });

  it("slows down password guessing with 429 and Retry-After", async () => {
    const guarded = await startApi(WhoAmI, { auth: new ListAuthentication([{ username: "ann", password: "right" }]), loginRateLimit: { maxFailures: 3, windowMs: 60_000 } });
    try {
      const attempts = [];
      for (let attempt = 0; attempt < 4; attempt++) attempts.push(await postJson(guarded.url, "/api/auth/login", { username: "ann", password: `guess-${attempt}` }));
      expect(attempts.map((attempt) => attempt.status)).toEqual([401, 401, 401, 429]);
      expect(Number(attempts[3]!.headers.get("retry-after"))).toBeGreaterThan(0);
      // Even the right password waits now.
      expect((await postJson(guarded.url, "/api/auth/login", { username: "ann", password: "right" })).status).toBe(429);
    } finally {
      await guarded.close();
    }
  });

  it("validates the login body", async () => {
    expect((await postJson(server.url, "/api/auth/login", { username: "" })).status).toBe(422);
  });
});

describe("without authentication", () => {
  it("has no auth routes, and /api/user is always 401", async () => {
    const server = await startApi(WhoAmI);
    try {
      expect(await (await fetch(`${server.url}/api/user`)).json()).toEqual({ detail: "Authentication is not enabled" });
      expect((await postJson(server.url, "/api/auth/login", { username: "a", password: "b" })).status).toBe(404);
    } finally {
      await server.close();
    }
  });
});
