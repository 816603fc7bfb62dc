/**
 * `ragbits api run` with a database, as a deployment runs it: --database-url / RAGBITS_DATABASE_URL
 * on a real PostgreSQL (started for this file), the RAGBITS_SECRET_KEY requirement, sessions that
 * survive a restart, and SIGTERM: running answers finish within --shutdown-grace-ms, exit 0.
 */
import { existsSync } from "node:fs";
import { CLI, type CliProcess, spawnCli, stopAll, waitForExit, waitForUrl } from "./cli-fixtures/cli-process";
import { type WireEvent, get, postJson, readEvents, textOf } from "./cli-fixtures/http";
import { USER, UserProject } from "./cli-fixtures/user-project";
import { usePostgres } from "./helpers/postgres";

jest.setTimeout(90_000);

const SLOW_TS = `import { ChatInterface, type ChatResponse } from "@ragbits/chat";

/** Ten words, one every 150 ms. */
export class SlowChat extends ChatInterface {
  async *chat(message: string): AsyncGenerator<ChatResponse> {
    for (let i = 0; i < 10; i++) {
      await new Promise((resolve) => setTimeout(resolve, 150));
      yield this.createTextResponse(message + i + " ");
    }
  }
}
`;
const FULL_ANSWER = Array.from({ length: 10 }, (_, i) => `w${i} `).join("");

const postgres = usePostgres();
let project: UserProject;

beforeAll(() => {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run \`pnpm --filter @ragbits/chat build\` first`);
  project = new UserProject();
  project.write("slow.ts", SLOW_TS);
});

afterEach(() => stopAll());
afterAll(() => project?.remove());

function serve(args: string[], env: NodeJS.ProcessEnv = {}): CliProcess {
  return spawnCli(["api", "run", ...args, "--port", "0"], project.dir, env);
}

/** Starts a stream and resolves once its first text arrived, with the rest of it to come. */
async function startStream(url: string): Promise<{ firstText: string; rest: Promise<WireEvent[]> }> {
  const response = await fetch(`${url}/api/chat`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ message: "w" }) });
  const reader = response.body!.getReader();
  const decoder = new TextDecoder();
  let raw = "";
  while (!raw.includes('"type":"text"')) {
    const { value, done } = await reader.read();
    if (done) break;
    raw += decoder.decode(value, { stream: true });
  }
  const rest = (async () => {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      raw += decoder.decode(value, { stream: true });
    }
    return readEvents(new Response(raw));
  })();
  return { firstText: raw, rest };
}

it("refuses to start with a database but without RAGBITS_SECRET_KEY: one line saying what to set, exit 1", async () => {
  const server = serve(["main.ts:EchoChat", "--database-url", postgres.url], { RAGBITS_SECRET_KEY: "" });
  const exit = await waitForExit(server);
  expect(exit.code).toBe(1);
  expect(exit.stderr).toMatch(/^ragbits: error: a database is configured .* but RAGBITS_SECRET_KEY is not set: set RAGBITS_SECRET_KEY to the same secret on every replica/);
  expect(exit.stderr).not.toMatch(/--debug|at .*\.js:\d+/);
});

it("refuses a --database-url it does not know, and says so without the password", async () => {
  const exit = await waitForExit(serve(["main.ts:EchoChat", "--database-url", "mysql://root:hunter2@db/chat"]));
  expect(exit.code).toBe(1);
  expect(exit.stderr).toMatch(/^ragbits: error: databaseUrl must start with postgres:\/\/, postgresql:\/\/ or sqlite:/);
  expect(exit.stderr).not.toContain("hunter2");
});

it("fails at start, clearly and fast, when PostgreSQL cannot be reached", async () => {
  const started = Date.now();
  const exit = await waitForExit(serve(["main.ts:EchoChat", "--database-url", "postgres://postgres:pw@127.0.0.1:1/chat"]));
  expect(exit.code).toBe(1);
  expect(exit.stderr).toMatch(/^ragbits: error: database: the database is unavailable .*ECONNREFUSED/);
  expect(exit.stderr).not.toContain(":pw@");
  expect(Date.now() - started).toBeLessThan(20_000);
});

it("keeps sessions in the database: a login survives a restart (--database-url, then RAGBITS_DATABASE_URL)", async () => {
  const first = serve(["main.ts:EchoChat", "--auth", "auth.ts:users", "--database-url", postgres.url]);
  const firstUrl = await waitForUrl(first);
  expect((await get(`${firstUrl}/api/ready`)).status).toBe(200);
  const login = await postJson(`${firstUrl}/api/auth/login`, USER);
  expect(login.status).toBe(200);
  const cookie = login.headers.get("set-cookie")!.split(";")[0]!;
  process.kill(first.pid, "SIGTERM");
  expect((await waitForExit(first)).code).toBe(0);

  const second = serve(["main.ts:EchoChat", "--auth", "auth.ts:users"], { RAGBITS_DATABASE_URL: postgres.url });
  const secondUrl = await waitForUrl(second);
  const me = await get(`${secondUrl}/api/user`, { cookie });
  expect(me.status).toBe(200);
  expect(await me.json()).toMatchObject({ username: USER.username });
});

it("SIGTERM: lets a running answer finish, then exits 0", async () => {
  const server = serve(["slow.ts:SlowChat", "--database-url", postgres.url]);
  const url = await waitForUrl(server);
  const stream = await startStream(url);
  process.kill(server.pid, "SIGTERM");
  const events = await stream.rest;
  expect(textOf(events)).toBe(FULL_ANSWER);
  expect(events.filter((event) => event.type === "error")).toEqual([]);
  const exit = await waitForExit(server);
  expect(exit.code).toBe(0);
  expect(exit.stdout.match(/^Stopped\.$/gm)).toHaveLength(1);
});

it("SIGTERM with --shutdown-grace-ms 300: an answer still running then is cut with the shutdown error event; exit 0", async () => {
  const server = serve(["slow.ts:SlowChat", "--database-url", postgres.url, "--shutdown-grace-ms", "300"]);
  const url = await waitForUrl(server);
  const stream = await startStream(url);
  const signalled = Date.now();
  process.kill(server.pid, "SIGTERM");
  const events = await stream.rest;
  const text = textOf(events);
  expect(FULL_ANSWER.startsWith(text) && text !== FULL_ANSWER).toBe(true);
  expect(events.at(-1)).toEqual({ type: "error", content: { message: "The server is shutting down; the answer was cut short. Please try again." } });
  const exit = await waitForExit(server);
  expect(exit.code).toBe(0);
  expect(Date.now() - signalled).toBeLessThan(5_000);
});

it("--shutdown-grace-ms takes a whole number of milliseconds", async () => {
  const exit = await waitForExit(serve(["main.ts:EchoChat", "--shutdown-grace-ms", "soon"]));
  expect(exit.code).toBe(1);
  expect(exit.stderr).toMatch(/--shutdown-grace-ms.*expected a whole number of milliseconds/);
});
