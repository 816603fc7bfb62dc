/**
 * The production shape, with real components: nginx running the project's example config
 * (docs/deploy/nginx.conf, only its ports changed) in front of two `ragbits api run` replicas that
 * share one real PostgreSQL. Which replica answered each request is read from nginx's access log
 * (`upstream=` in the config's log format).
 *
 * Proves: a session started on one replica works on the other; a logout on either ends it on both;
 * the conversation list is the same from both; `kill -9` of a replica mid-stream ends that stream
 * (an error, never a hang), the next requests succeed on the other replica and nothing that
 * completed is lost; PostgreSQL stopped for 10 s under a bounded load gives 503s, no crash, and full
 * recovery without a restart; failed logins are counted across replicas. Needs nginx and PostgreSQL
 * (`node scripts/bootstrap.mjs --for-tests` installs both): without them it fails, it is not skipped.
 */
import { existsSync } from "node:fs";
import { CLI, stopAll } from "../cli-fixtures/cli-process";
import { UserProject } from "../cli-fixtures/user-project";
import { usePostgres } from "../helpers/postgres";
import { type NginxServer, nginxBinary, startNginx, upstreamsOf } from "./support/nginx";
import { DEPLOY_AUTH_TS, DEPLOY_CHAT_TS, DEPLOY_USERS, type Replica, freePort, startReplica } from "./support/replica";

jest.setTimeout(180_000);

const postgres = usePostgres();
let project: UserProject;
let replicas: Replica[] = [];
let nginx: NginxServer;
const [ada, bob] = DEPLOY_USERS as [(typeof DEPLOY_USERS)[number], (typeof DEPLOY_USERS)[number]];

beforeAll(async () => {
  nginxBinary();
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run \`pnpm --filter @ragbits/chat build\` first`);
  project = new UserProject();
  project.write("deploy-chat.ts", DEPLOY_CHAT_TS);
  project.write("deploy-auth.ts", DEPLOY_AUTH_TS);
  const ports = [await freePort(), await freePort()];
  // Both at once: their start-up migrations meet under PostgreSQL's advisory lock.
  replicas = await Promise.all(ports.map((port, i) => startReplica(project, i === 0 ? "A" : "B", port, postgres.url)));
  nginx = await startNginx({ port: await freePort(), upstreamPorts: ports });
}, 180_000);

afterAll(async () => {
  await nginx?.stop();
  await stopAll();
  project?.remove();
});

// ---------- requests through nginx, and which replica answered ----------

interface Answer {
  status: number;
  headers: Headers;
  text: string;
  /** The replicas nginx tried, in order (the last one answered). */
  tried: Replica[];
  /** The replica that answered. */
  servedBy: Replica;
}

let sequence = 0;

async function viaNginx(method: string, path: string, { cookie, body }: { cookie?: string; body?: unknown } = {}): Promise<Answer> {
  // A tag in the query string finds this request's line in the access log (the routes ignore it).
  const tag = `rq=${++sequence}`;
  const response = await fetch(`${nginx.url}${path}${path.includes("?") ? "&" : "?"}${tag}`, {
    method,
    headers: { ...(body === undefined ? {} : { "content-type": "application/json" }), ...(cookie ? { cookie } : {}) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    signal: AbortSignal.timeout(20_000),
  });
  const text = await response.text();
  const tried = (await accessLogLine(tag)).map(replicaAt);
  return { status: response.status, headers: response.headers, text, tried, servedBy: tried.at(-1)! };
}

/** nginx writes the line as the request ends, which may be a moment after the client read the last byte. */
async function accessLogLine(tag: string): Promise<string[]> {
  const pattern = new RegExp(`[?&]${tag} `);
  const deadline = Date.now() + 5_000;
  for (;;) {
    const line = nginx.accessLog().find((entry) => pattern.test(entry));
    if (line) return upstreamsOf(line);
    if (Date.now() > deadline) throw new Error(`no access-log line for ${tag}:\n${nginx.accessLog().slice(-5).join("\n")}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

function replicaAt(address: string): Replica {
  const replica = replicas.find((candidate) => candidate.address === address);
  if (!replica) throw new Error(`nginx used ${address}, which is none of the replicas (${replicas.map((r) => r.address).join(", ")})`);
  return replica;
}

function other(replica: Replica): Replica {
  return replicas.find((candidate) => candidate !== replica)!;
}

async function login(user: { username: string; password: string }): Promise<{ cookie: string; servedBy: Replica }> {
  const answer = await viaNginx("POST", "/api/auth/login", { body: user });
  expect(answer.status).toBe(200);
  return { cookie: answer.headers.get("set-cookie")!.split(";")[0]!, servedBy: answer.servedBy };
}

interface ChatAnswer extends Answer {
  events: Array<{ type: string; content: any }>;
  words: string;
}

async function chat(cookie: string, message: string, conversationId?: string): Promise<ChatAnswer> {
  const answer = await viaNginx("POST", "/api/chat", { cookie, body: { message, context: conversationId ? { conversation_id: conversationId } : {} } });
  const events = answer.text
    .split("\n")
    .filter((line) => line.startsWith("data: "))
    .map((line) => JSON.parse(line.slice(6)) as { type: string; content: any });
  const words = events
    .filter((event) => event.type === "text")
    .map((event) => event.content.text as string)
    .join("");
  return { ...answer, events, words };
}

async function direct(replica: Replica, path: string, cookie: string): Promise<{ status: number; body: any }> {
  const response = await fetch(`${replica.url}${path}`, { headers: { cookie }, signal: AbortSignal.timeout(10_000) });
  return { status: response.status, body: await response.json() };
}

/** Every conversation of the user, following the cursor, from one replica directly. */
async function allConversations(replica: Replica, cookie: string): Promise<Array<{ id: string; interaction_count: number }>> {
  const all: Array<{ id: string; interaction_count: number }> = [];
  let cursor: string | null = null;
  do {
    const page = await direct(replica, `/api/conversations?limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`, cookie);
    expect(page.status).toBe(200);
    all.push(...page.body.conversations);
    cursor = page.body.next_cursor;
  } while (cursor);
  return all;
}

async function waitUntil(condition: () => Promise<boolean>, timeoutMs: number, what: string): Promise<number> {
  const started = Date.now();
  while (!(await condition().catch(() => false))) {
    if (Date.now() - started > timeoutMs) throw new Error(`${what}: not within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return Date.now() - started;
}

/** Waits for GET /api/ready to answer 200; on timeout the error shows its last answer and the replica's output. */
async function waitForReady(replica: Replica, timeoutMs: number): Promise<number> {
  let last = "no answer";
  try {
    return await waitUntil(
      async () => {
        const response = await fetch(`${replica.url}/api/ready`, { signal: AbortSignal.timeout(5_000) });
        last = `${response.status} ${await response.text()}`;
        return response.status === 200;
      },
      timeoutMs,
      `replica ${replica.name} ready`,
    );
  } catch (error) {
    throw new Error(`${(error as Error).message}; last /api/ready: ${last}\n--- its output ---\n${replica.process.stdout.slice(-3000)}\n${replica.process.stderr.slice(-3000)}`, { cause: error });
  }
}

// ---------- the proofs ----------

it("balances round-robin and passes the stream through unbuffered", async () => {
  const first = await viaNginx("GET", "/api/config");
  const second = await viaNginx("GET", "/api/config");
  expect([first.status, second.status]).toEqual([200, 200]);
  expect(second.servedBy).toBe(other(first.servedBy));
  expect(first.headers.get("x-ragbits-conversations")).toBe("server");
});

it("a session started through one replica works through the other; the answer is saved for the user", async () => {
  const { cookie, servedBy: loginReplica } = await login(ada);
  // Round-robin sends the next request to the other replica; should anything come between, the one after.
  let answer = await chat(cookie, "hello from ada");
  if (answer.servedBy === loginReplica) answer = await chat(cookie, "hello from ada");
  expect(answer.servedBy).toBe(other(loginReplica));
  expect(answer.status).toBe(200);
  expect(answer.headers.get("content-type")).toMatch(/^text\/event-stream/);
  expect(answer.words).toBe(`[${answer.servedBy.process.pid}] w0 w1 w2 `);
  const conversationId = answer.events.find((event) => event.type === "conversation_id")!.content.conversation_id as string;
  // The replica that did not serve the chat shows it.
  const listed = await direct(loginReplica, "/api/conversations", cookie);
  expect(listed.body.conversations.map((c: { id: string }) => c.id)).toContain(conversationId);
});

it("a logout through either replica ends the session on both", async () => {
  const { cookie } = await login(ada);
  for (const replica of replicas) expect((await direct(replica, "/api/user", cookie)).status).toBe(200);
  const logout = await viaNginx("POST", "/api/auth/logout", { cookie });
  expect(logout.status).toBe(200);
  for (const replica of replicas) expect((await direct(replica, "/api/user", cookie)).body).toEqual({ detail: "Not authenticated" });
  const refused = [await viaNginx("GET", "/api/user", { cookie }), await viaNginx("GET", "/api/user", { cookie })];
  expect(refused.map((answer) => answer.status)).toEqual([401, 401]);
  expect(new Set(refused.map((answer) => answer.servedBy)).size).toBe(2);
});

it("lists the same conversations, with the same interactions, from both replicas", async () => {
  const { cookie } = await login(bob);
  const first = await chat(cookie, "bob's first");
  const conversationId = first.events.find((event) => event.type === "conversation_id")!.content.conversation_id as string;
  const followUp = await chat(cookie, "bob's follow-up", conversationId);
  await chat(cookie, "bob's second conversation");
  // The turns of one conversation were served by different replicas.
  expect(followUp.servedBy).not.toBe(first.servedBy);
  const [a, b] = replicas as [Replica, Replica];
  const fromA = await direct(a, "/api/conversations", cookie);
  const fromB = await direct(b, "/api/conversations", cookie);
  expect(fromA.status).toBe(200);
  expect(fromB).toEqual(fromA);
  expect(fromA.body.conversations).toEqual([
    expect.objectContaining({ title: "bob's second conversation", interaction_count: 1 }),
    expect.objectContaining({ id: conversationId, title: "bob's first", interaction_count: 2 }),
  ]);
  const openedA = await direct(a, `/api/conversations/${conversationId}`, cookie);
  expect(openedA.body.interactions.map((i: { message: string; answer: string }) => [i.message, i.answer])).toEqual([
    ["bob's first", first.words],
    ["bob's follow-up", followUp.words],
  ]);
  expect(await direct(b, `/api/conversations/${conversationId}`, cookie)).toEqual(openedA);
});

it("kill -9 of a replica mid-stream: that client gets an error at once, the next requests succeed on the other replica, nothing completed is lost", async () => {
  const { cookie } = await login(ada);
  await chat(cookie, "completed before the crash");
  const before = await allConversations(replicas[0]!, cookie);

  const response = await fetch(`${nginx.url}/api/chat`, { method: "POST", headers: { "content-type": "application/json", cookie }, body: JSON.stringify({ message: "slow story" }) });
  expect(response.status).toBe(200);
  const reader = response.body!.getReader();
  const decoder = new TextDecoder();
  let raw = "";
  while (!/"text":"\[\d+\] "/.test(raw)) {
    const { value, done } = await reader.read();
    if (done) throw new Error(`the stream ended before its first word: ${raw}`);
    raw += decoder.decode(value, { stream: true });
  }
  const pid = Number(/"text":"\[(\d+)\] "/.exec(raw)![1]);
  const victim = replicas.find((replica) => replica.process.pid === pid)!;
  const survivor = other(victim);
  expect(victim).toBeDefined();

  process.kill(victim.process.pid, "SIGKILL");
  const killedAt = Date.now();
  // The client is told: the body fails (nginx cuts the chunked response short), or ends without the rest.
  const outcome = await new Promise<string>((resolve) => {
    const timer = setTimeout(() => resolve("hang"), 15_000);
    const read = (): void => {
      reader.read().then(
        ({ value, done }) => {
          if (done) {
            clearTimeout(timer);
            return resolve("ended");
          }
          raw += decoder.decode(value, { stream: true });
          read();
        },
        () => {
          clearTimeout(timer);
          resolve("error");
        },
      );
    };
    read();
  });
  const noticedMs = Date.now() - killedAt;
  expect(outcome).not.toBe("hang");
  expect(noticedMs).toBeLessThan(5_000);
  // Cut short: the 60 words never all arrived.
  expect(raw).not.toContain('"w59 "');
  await victim.process.exited;

  // The next requests succeed, answered by the survivor (nginx moves idempotent requests on).
  const next = [await viaNginx("GET", "/api/conversations", { cookie }), await viaNginx("GET", "/api/conversations", { cookie }), await viaNginx("GET", "/api/user", { cookie })];
  expect(next.map((answer) => [answer.status, answer.servedBy.name])).toEqual(next.map(() => [200, survivor.name]));
  const retried = next.filter((answer) => answer.tried.length > 1).length;
  const newChat = await chat(cookie, "after the crash");
  expect([newChat.status, newChat.servedBy.name, newChat.words]).toEqual([200, survivor.name, `[${survivor.process.pid}] w0 w1 w2 `]);

  // Everything that completed before the crash is still there (the cut answer was never completed).
  const after = await allConversations(survivor, cookie);
  for (const conversation of before) expect(after).toContainEqual(expect.objectContaining({ id: conversation.id, interaction_count: conversation.interaction_count }));
  expect(after).toHaveLength(before.length + 1);
  console.log(`kill -9 of replica ${victim.name} mid-stream: the client saw "${outcome}" after ${noticedMs} ms; ${retried} of the next 3 requests were retried by nginx on replica ${survivor.name}`);

  // Back to two replicas for the next tests: a restart on the same port.
  const restarted = await startReplica(project, victim.name, victim.port, postgres.url);
  replicas = replicas.map((replica) => (replica === victim ? restarted : replica));
  await waitForReady(restarted, 15_000);
});

it("PostgreSQL stopped for 10 s under a bounded load: 503s, no crash, full recovery without a restart, nothing completed lost", async () => {
  const { cookie } = await login(bob);
  const pids = replicas.map((replica) => replica.process.pid);
  const WORKERS = 4;
  const outageMs = 10_000;
  const results: Array<{ at: number; kind: "list" | "chat"; status: number; detail?: unknown; ms: number }> = [];
  const completedChats = new Map<string, number>();
  let stop = false;
  const started = Date.now();

  const worker = async (w: number) => {
    // Each worker's turns go into its own conversation, named by the client: counts are checked at the end.
    const conversationId = `load-${Date.now()}-${w}`;
    for (let i = 0; !stop; i++) {
      const t0 = Date.now();
      const kind = i % 2 === 0 ? "chat" : "list";
      try {
        const response =
          kind === "chat"
            ? await fetch(`${nginx.url}/api/chat`, { method: "POST", headers: { "content-type": "application/json", cookie }, body: JSON.stringify({ message: `load ${w} ${i}`, context: { conversation_id: conversationId } }), signal: AbortSignal.timeout(20_000) })
            : await fetch(`${nginx.url}/api/conversations?limit=5`, { headers: { cookie }, signal: AbortSignal.timeout(20_000) });
        const text = await response.text();
        if (kind === "chat" && response.status === 200 && text.includes('"w2 "')) completedChats.set(conversationId, (completedChats.get(conversationId) ?? 0) + 1);
        results.push({ at: t0 - started, kind, status: response.status, ms: Date.now() - t0, ...(response.status === 200 ? {} : { detail: safeJson(text) }) });
      } catch (error) {
        results.push({ at: t0 - started, kind, status: -1, detail: String(error), ms: Date.now() - t0 });
      }
      // Bounded: about 20 requests a second per worker at most.
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  };

  const load = Promise.all(Array.from({ length: WORKERS }, (_, w) => worker(w)));
  await new Promise((resolve) => setTimeout(resolve, 1_000));
  // An answer that streams for 6 s across the moment PostgreSQL goes away: it must finish, and be saved once it is back.
  const inFlightId = `in-flight-${Date.now()}`;
  const inFlight = fetch(`${nginx.url}/api/chat`, { method: "POST", headers: { "content-type": "application/json", cookie }, body: JSON.stringify({ message: "slow while the database goes", context: { conversation_id: inFlightId } }) }).then(
    async (response) => ({ status: response.status, text: await response.text() }),
  );
  await new Promise((resolve) => setTimeout(resolve, 500));
  const stoppedAt = Date.now() - started;
  postgres.server.stop();
  await new Promise((resolve) => setTimeout(resolve, outageMs));
  postgres.server.start();
  const restartedAt = Date.now() - started;
  const recoveryMs = Math.max(...(await Promise.all(replicas.map((replica) => waitForReady(replica, 30_000)))));
  // A little more load once both are ready: every request must succeed again.
  const recoveredAt = Date.now() - started;
  await new Promise((resolve) => setTimeout(resolve, 2_000));
  stop = true;
  await load;
  const slow = await inFlight;
  expect(slow.status).toBe(200);
  expect(slow.text).toContain('"w59 "');
  expect(slow.text).not.toContain('"type":"error"');
  completedChats.set(inFlightId, 1);

  const statuses = new Set(results.map((result) => result.status));
  expect([...statuses].sort()).toEqual([200, 503]);
  const during = results.filter((result) => result.at > stoppedAt + 500 && result.at + result.ms < restartedAt);
  expect(during.length).toBeGreaterThan(10);
  expect(during.every((result) => result.status === 503)).toBe(true);
  expect(new Set(during.map((result) => JSON.stringify(result.detail)))).toEqual(new Set([JSON.stringify({ detail: "The database is unavailable; please try again shortly." })]));
  // Failing fast: no 503 took long (a hung request would time out at 20 s).
  expect(Math.max(...during.map((result) => result.ms))).toBeLessThan(5_000);
  const afterRecovery = results.filter((result) => result.at > recoveredAt);
  expect(afterRecovery.length).toBeGreaterThan(10);
  expect(afterRecovery.every((result) => result.status === 200)).toBe(true);

  // No crash, no restart: the same processes serve.
  expect(replicas.map((replica) => [replica.process.pid, replica.process.exit])).toEqual(pids.map((pid) => [pid, undefined]));
  // Nothing completed is lost: every answer that streamed to its end is in its conversation, also
  // those that finished while the database was away (saved when it came back).
  await waitUntil(
    async () => {
      const listed = await allConversations(replicas[1]!, cookie);
      return [...completedChats].every(([id, count]) => listed.some((conversation) => conversation.id === id && conversation.interaction_count === count));
    },
    15_000,
    "every completed answer saved",
  );
  expect((await allConversations(replicas[0]!, cookie)).filter((c) => completedChats.has(c.id))).toEqual((await allConversations(replicas[1]!, cookie)).filter((c) => completedChats.has(c.id)));
  console.log(
    `PostgreSQL outage under load: ${results.length} requests (${results.filter((r) => r.status === 200).length} × 200, ${results.filter((r) => r.status === 503).length} × 503, ` +
      `slowest 503 ${Math.max(...during.map((r) => r.ms))} ms); both replicas ready ${recoveryMs} ms after PostgreSQL was back; ${[...completedChats.values()].reduce((a, b) => a + b, 0)} completed answers all saved`,
  );
});

// Last: behind a proxy every client has the proxy's address, so the per-address count locks everyone out for the window.
it("counts failed logins across replicas: the fifth failure through either locks the name on both", async () => {
  const username = `carol-${Date.now()}`;
  const failures = [];
  for (let i = 0; i < 5; i++) failures.push(await viaNginx("POST", "/api/auth/login", { body: { username, password: "wrong" } }));
  expect(failures.map((answer) => answer.status)).toEqual([401, 401, 401, 401, 401]);
  expect(new Set(failures.map((answer) => answer.servedBy)).size).toBe(2);
  for (const replica of replicas) {
    const refused = await fetch(`${replica.url}/api/auth/login`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ username, password: "wrong" }) });
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get("retry-after"))).toBeGreaterThan(0);
  }
});

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text.slice(0, 200);
  }
}
