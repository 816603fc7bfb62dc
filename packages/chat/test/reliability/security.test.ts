/**
 * Security checks of issue #6 that test/api/*.test.ts does not already make (cookies' flags, closed
 * CORS, CSP on the UI, tampered and unsigned state, the basic login limit are tested there):
 * - the login limit holds per address AND per username, seen from real different client addresses
 *   (loopback aliases 127.0.0.x), and X-Forwarded-For cannot reset it;
 * - a session id planted before login is never adopted;
 * - with auth on, `user` / `session_id` sent by a client are ignored and not persisted;
 * - state signatures: no tampering of a signed state verifies (property-based);
 * - CORS with configured origins refuses look-alike origins and `null`;
 * - error answers and the SSE stream carry the security headers too.
 */
import "./support/sentinel-keys";
import fc from "fast-check";
import { type ChatFormat } from "@ragbits/core";
import { type ChatContext, ChatInterface, type ChatResponse, ListAuthentication, StateSigner, canonicalJson } from "../../src";
import { MemoryHistory } from "../helpers/memory-history";
import { waitFor } from "../helpers/start-api";
import { type ChatServer, startChatServer } from "./support/chat-server";
import { chatStream, rawRequest } from "./support/http-client";

class WhoAmI extends ChatInterface {
  async *chat(_message: string, _history: ChatFormat, context: ChatContext): AsyncGenerator<ChatResponse> {
    yield this.createTextResponse(`${context.user?.username ?? "nobody"}|${context.sessionId ?? "none"}`);
  }
}

const json = (value: unknown) => Buffer.from(JSON.stringify(value));
const login = (server: ChatServer, username: string, password: string, from: string, headers: Record<string, string> = {}) =>
  rawRequest(server.port, { method: "POST", path: "/api/auth/login", headers: { "content-type": "application/json", ...headers }, body: json({ username, password }) }, false, from);
const sessionOf = (setCookie: string | string[] | undefined) => String(setCookie).split(";")[0]!;

describe("login rate limiting, from several client addresses", () => {
  let server: ChatServer;
  beforeAll(async () => {
    server = await startChatServer(WhoAmI, {
      auth: new ListAuthentication([
        { username: "ann", password: "ann-password" },
        { username: "bob", password: "bob-password" },
      ]),
      loginRateLimit: { maxFailures: 3, windowMs: 60_000 },
    });
  });
  afterAll(() => server.close());

  it("locks a username attacked from many addresses, without locking those addresses for others", async () => {
    for (const from of ["127.0.0.2", "127.0.0.3", "127.0.0.4"]) expect((await login(server, "ann", "guess", from)).status).toBe(401);
    // A fourth address, even with the right password: the username is locked.
    expect((await login(server, "ann", "ann-password", "127.0.0.5")).status).toBe(429);
    // That address is not: another user signs in from it.
    expect((await login(server, "bob", "bob-password", "127.0.0.5")).status).toBe(200);
  });

  it("locks an address that tries many usernames, without locking those users elsewhere", async () => {
    for (const username of ["carol", "dave", "erin"]) expect((await login(server, username, "guess", "127.0.0.6")).status).toBe(401);
    const locked = await login(server, "bob", "bob-password", "127.0.0.6");
    expect(locked.status).toBe(429);
    expect(Number(locked.headers["retry-after"])).toBeGreaterThan(0);
    expect(JSON.parse(locked.body.toString())).toEqual({ detail: expect.stringMatching(/Too many failed login attempts/) });
    expect((await login(server, "bob", "bob-password", "127.0.0.7")).status).toBe(200);
  });

  it("cannot be reset by claiming another address in X-Forwarded-For", async () => {
    const statuses: number[] = [];
    for (let attempt = 0; attempt < 4; attempt++) {
      statuses.push((await login(server, `user${attempt}`, "guess", "127.0.0.8", { "x-forwarded-for": `203.0.113.${attempt}`, "x-real-ip": `198.51.100.${attempt}` })).status);
    }
    expect(statuses).toEqual([401, 401, 401, 429]);
  });
});

describe("sessions and identity, auth on", () => {
  let server: ChatServer;
  const history = new MemoryHistory();
  beforeAll(async () => {
    server = await startChatServer(Object.assign(new WhoAmI(), { historyPersistence: history }), { auth: new ListAuthentication([{ username: "ann", password: "ann-password" }]) });
  });
  afterAll(() => server.close());

  it("never adopts a session id planted before login", async () => {
    const planted = "ragbits_session=attacker-chosen-session-id";
    const response = await login(server, "ann", "ann-password", "127.0.0.1", { cookie: planted });
    expect(response.status).toBe(200);
    expect(sessionOf(response.headers["set-cookie"])).not.toBe(planted);
    expect((await rawRequest(server.port, { method: "GET", path: "/api/user", headers: { cookie: planted } })).status).toBe(401);
  });

  it("marks the session cookie Secure in production (NODE_ENV=production), HttpOnly and SameSite=Lax always", async () => {
    const previous = process.env.NODE_ENV;
    process.env.NODE_ENV = "production";
    const production = await startChatServer(WhoAmI, { auth: new ListAuthentication([{ username: "ann", password: "ann-password" }]) }).finally(() => {
      process.env.NODE_ENV = previous;
    });
    try {
      const response = await login(production, "ann", "ann-password", "127.0.0.1");
      expect(response.status).toBe(200);
      const cookie = String(response.headers["set-cookie"]);
      expect(cookie).toMatch(/; Secure/);
      expect(cookie).toMatch(/; HttpOnly/);
      expect(cookie).toMatch(/; SameSite=Lax/);
    } finally {
      await production.close();
    }
  });

  it("ignores the user and session_id a client sends, and does not persist them", async () => {
    const response = await login(server, "ann", "ann-password", "127.0.0.1");
    const cookie = sessionOf(response.headers["set-cookie"]);
    const sessionId = cookie.split("=")[1]!;
    const result = await chatStream(server.port, { message: "who am I?", context: { conversation_id: "identity", user: { user_id: "admin", username: "mallory", roles: ["admin"] }, session_id: "stolen-session" } }, { headers: { cookie } });
    expect(result.text).toBe(`ann|${sessionId}`);
    await waitFor(() => history.records.some((record) => record.conversationId === "identity"));
    const record = history.records.find((entry) => entry.conversationId === "identity")!;
    expect(record.context).not.toHaveProperty("user");
    expect(record.context).not.toHaveProperty("session_id");
    expect(JSON.stringify(record)).not.toContain("mallory");
    expect(JSON.stringify(record)).not.toContain("stolen-session");
  });
});

describe("signed state", () => {
  const signer = new StateSigner("property-test-key");
  const state = fc.dictionary(fc.string({ maxLength: 8 }), fc.jsonValue({ maxDepth: 3 }), { maxKeys: 6 });

  it("verifies exactly the state that was signed: any change, added key or other key fails", () => {
    fc.assert(
      fc.property(state, fc.string({ maxLength: 8 }), fc.jsonValue({ maxDepth: 2 }), (original, key, value) => {
        const signature = signer.sign(original);
        expect(signer.verify(original, signature)).toBe(true);
        const tampered = { ...original, [key]: value };
        // Tampering that leaves the canonical form unchanged is no tampering at all.
        fc.pre(canonicalJson(tampered) !== canonicalJson(original));
        expect(signer.verify(tampered, signature)).toBe(false);
        expect(new StateSigner("another-key").verify(original, signature)).toBe(false);
      }),
      { numRuns: 1_000, seed: 6 },
    );
  });

  it("accepts no other spelling of a valid signature", () => {
    const signature = signer.sign({ count: 1 });
    for (const variant of [`${signature} `, ` ${signature}`, `${signature}\n`, signature.replace(/=+$/, ""), signature.toLowerCase(), Buffer.from(signature, "base64").toString("base64url"), "", "null"]) {
      if (variant === signature) continue;
      expect(signer.verify({ count: 1 }, variant)).toBe(false);
    }
    expect(signer.verify({ count: 1 }, [signature])).toBe(false);
    expect(signer.verify({ count: 1 }, { toString: () => signature })).toBe(false);
  });
});

describe("CORS with configured origins", () => {
  let server: ChatServer;
  beforeAll(async () => {
    server = await startChatServer(WhoAmI, { corsOrigins: ["http://app.example"] });
  });
  afterAll(() => server.close());

  it.each(["http://app.example.evil.test", "http://evil.test", "null", "http://APP.example.evil", "https://app.example", "http://app.example:8080", "http://evil.test/http://app.example"])("gives %s no Access-Control-Allow-Origin", async (origin) => {
    const preflight = await rawRequest(server.port, { method: "OPTIONS", path: "/api/chat", headers: { origin, "access-control-request-method": "POST", "access-control-request-headers": "content-type" } });
    // Without Access-Control-Allow-Origin the browser refuses the call (the cors package still adds
    // Allow-Credentials/Methods to every preflight; harmless on their own).
    expect(preflight.headers["access-control-allow-origin"]).toBeUndefined();
    const simple = await rawRequest(server.port, { method: "GET", path: "/api/config", headers: { origin } });
    expect(simple.headers["access-control-allow-origin"]).toBeUndefined();
  });

  it("never answers with a wildcard", async () => {
    const allowed = await rawRequest(server.port, { method: "GET", path: "/api/config", headers: { origin: "http://app.example" } });
    expect(allowed.headers["access-control-allow-origin"]).toBe("http://app.example");
    expect(allowed.headers.vary).toMatch(/Origin/i);
  });
});

describe("security headers beyond the UI page", () => {
  let server: ChatServer;
  beforeAll(async () => {
    server = await startChatServer(WhoAmI, { bodyLimit: "1kb" });
  });
  afterAll(() => server.close());

  const expectHeaders = (headers: Record<string, unknown>) => {
    expect(headers["x-content-type-options"]).toBe("nosniff");
    expect(headers["referrer-policy"]).toBe("no-referrer");
    expect(String(headers["content-security-policy"])).toContain("frame-ancestors 'none'");
    expect(headers["x-frame-options"]).toBe("DENY");
    expect(headers["x-powered-by"]).toBeUndefined();
  };

  it.each([
    ["an unknown API route", { method: "GET", path: "/api/nope" }],
    ["malformed JSON", { method: "POST", path: "/api/chat", headers: { "content-type": "application/json" }, body: Buffer.from("{") }],
    ["a body over the limit", { method: "POST", path: "/api/chat", headers: { "content-type": "application/json" }, body: json({ message: "x".repeat(2_000) }) }],
    ["a validation error", { method: "POST", path: "/api/chat", headers: { "content-type": "application/json" }, body: json({}) }],
  ])("on %s", async (_name, spec) => {
    const response = await rawRequest(server.port, spec);
    expect(response.status).toBeGreaterThanOrEqual(400);
    expectHeaders(response.headers);
  });

  it("on the SSE stream", async () => {
    const result = await chatStream(server.port, { message: "hi" });
    expect(result.status).toBe(200);
    expectHeaders(result.headers);
  });
});
