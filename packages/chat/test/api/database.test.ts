/**
 * Two RagbitsAPI replicas sharing one real PostgreSQL (started for this file), on the adapter under
 * test: sessions, logouts, login limits and feedback cross replicas; when the database goes away,
 * requests that need it get a clear 503 at once, running answers finish and are saved once it is
 * back, readiness follows, and nothing crashes.
 */
import { ChatInterface, type ChatResponse, ListAuthentication, type PostgresStores, type RagbitsAPIOptions } from "../../src";
import { usePostgres } from "../helpers/postgres";
import { postChat, postJson, startApi, type StartedApi } from "../helpers/start-api";

jest.setTimeout(60_000);

const postgres = usePostgres();
const feedbackSeen: string[] = [];

class SlowEcho extends ChatInterface {
  async *chat(message: string): AsyncGenerator<ChatResponse> {
    for (const word of message.split(" ")) {
      await new Promise((resolve) => setTimeout(resolve, message.startsWith("slow") ? 150 : 0));
      yield this.createTextResponse(`${word} `);
    }
  }

  override async saveFeedback(messageId: string): Promise<void> {
    feedbackSeen.push(messageId);
  }
}

const started: StartedApi[] = [];
afterEach(async () => {
  if (!postgres.server.running) postgres.server.start();
  await Promise.all(started.splice(0).map((server) => server.close()));
});

async function replica(options: RagbitsAPIOptions = {}): Promise<StartedApi> {
  const server = await startApi(SlowEcho, { databaseUrl: postgres.url, database: { connectionTimeoutMs: 1_000 }, ...options });
  started.push(server);
  return server;
}

function cookieOf(headers: Headers): string {
  return headers.get("set-cookie")!.split(";")[0]!;
}

const auth = () => new ListAuthentication([{ username: "ada", password: "analytical-engine" }]);

it("a session started on one replica works on the other; a logout on either ends it on both", async () => {
  const [a, b] = [await replica({ auth: auth() }), await replica({ auth: auth() })];
  const login = await postJson(a.url, "/api/auth/login", { username: "ada", password: "analytical-engine" });
  expect(login.status).toBe(200);
  const cookie = cookieOf(login.headers);
  expect(await (await fetch(`${b.url}/api/user`, { headers: { cookie } })).json()).toMatchObject({ username: "ada" });
  const answer = await postChat(b.url, { message: "hello there" }, { headers: { cookie } });
  expect(answer.status).toBe(200);
  expect((await postJson(b.url, "/api/auth/logout", {}, { cookie })).status).toBe(200);
  expect((await fetch(`${a.url}/api/user`, { headers: { cookie } })).status).toBe(401);
  expect((await postJson(a.url, "/api/chat", { message: "hi" }, { cookie })).status).toBe(401);
});

it("counts failed logins across replicas: the limit is not multiplied by their number", async () => {
  const limit = { maxFailures: 3, windowMs: 60_000 };
  const [a, b] = [await replica({ auth: auth(), loginRateLimit: limit }), await replica({ auth: auth(), loginRateLimit: limit })];
  const username = `ada-${Date.now()}`;
  for (const server of [a, b, a]) expect((await postJson(server.url, "/api/auth/login", { username, password: "wrong" })).status).toBe(401);
  const refused = await postJson(b.url, "/api/auth/login", { username, password: "wrong" });
  expect(refused.status).toBe(429);
  expect(Number(refused.headers.get("retry-after"))).toBeGreaterThan(0);
});

it("feedback posted to one replica lands on the interaction the other replica saved, and reaches the app's saveFeedback", async () => {
  const [a, b] = [await replica(), await replica()];
  const answer = await postChat(a.url, { message: "rate me" });
  const messageId = answer.events.find((event) => event.type === "message_id")!.content.message_id as string;
  const conversationId = answer.events.find((event) => event.type === "conversation_id")!.content.conversation_id as string;
  const response = await postJson(b.url, "/api/feedback", { message_id: messageId, feedback: "dislike", payload: { reason: "too short" } });
  expect(response).toMatchObject({ status: 200, body: { status: "success" } });
  expect(feedbackSeen).toContain(messageId);
  const conversation = await (a.api.stores as PostgresStores).history.readConversation(conversationId, undefined);
  expect(conversation).toEqual([expect.objectContaining({ messageId, message: "rate me", response: "rate me ", status: "completed", feedback: expect.objectContaining({ feedback: "dislike", payload: { reason: "too short" } }) })]);
});

it("when PostgreSQL is down: 503 JSON at once, a running answer finishes and is saved later, readiness follows, and it recovers by itself", async () => {
  const server = await replica({ auth: auth() });
  const login = await postJson(server.url, "/api/auth/login", { username: "ada", password: "analytical-engine" });
  const cookie = cookieOf(login.headers);
  expect((await fetch(`${server.url}/api/ready`)).status).toBe(200);

  const streaming = postChat(server.url, { message: "slow answer while the database goes away" }, { headers: { cookie } });
  await new Promise((resolve) => setTimeout(resolve, 300));
  postgres.server.stop();

  const startedAt = Date.now();
  const ready = await fetch(`${server.url}/api/ready`);
  expect(ready.status).toBe(503);
  expect(await ready.json()).toEqual({ status: "not-ready", reason: "the database is unavailable" });
  const health = await fetch(`${server.url}/api/health`);
  expect(health.status).toBe(200);
  const user = await fetch(`${server.url}/api/user`, { headers: { cookie } });
  expect(user.status).toBe(503);
  expect(user.headers.get("retry-after")).toBe("5");
  expect(await user.json()).toEqual({ detail: "The database is unavailable; please try again shortly." });
  expect((await postJson(server.url, "/api/auth/login", { username: "ada", password: "analytical-engine" })).status).toBe(503);
  expect(Date.now() - startedAt).toBeLessThan(8_000);

  const answer = await streaming;
  expect(answer.status).toBe(200);
  expect(answer.events.filter((event) => event.type === "text").map((event) => event.content.text).join("")).toBe("slow answer while the database goes away ");
  expect(answer.events.filter((event) => event.type === "error")).toEqual([]);
  const conversationId = answer.events.find((event) => event.type === "conversation_id")!.content.conversation_id as string;

  postgres.server.start();
  const history = (server.api.stores as PostgresStores).history;
  await waitUntil(async () => (await fetch(`${server.url}/api/ready`)).status === 200, 15_000);
  await waitUntil(async () => history.pendingSaves === 0 && (await history.getConversation(conversationId)).length === 1, 15_000);
  expect(await fetch(`${server.url}/api/user`, { headers: { cookie } }).then((response) => response.status)).toBe(200);
  expect(server.logs.filter((line) => line.msg === "PostgreSQL is unavailable: requests that need it are answered 503 until it is back")).toHaveLength(1);
  expect(server.logs.some((line) => line.msg === "PostgreSQL is reachable again")).toBe(true);
});

async function waitUntil(condition: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition().catch(() => false))) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
