/**
 * Hostile input, property-based (fast-check): thousands of generated requests against every /api
 * route of two real servers (auth off, and auth on with a signed-in session for half of them),
 * and generated traversal paths against the UI's static files, sent with raw node:http so nothing is
 * normalised on the way.
 *
 * For every request: never a 5xx and never a torn connection; on /api, a 4xx is JSON with a `detail`
 * (the login's 401 keeps Ragbits' own `{success, user, error_message}` shape); a 200 stream is valid
 * SSE; every answer carries `X-Content-Type-Options: nosniff`; the prototypes of both realms are
 * untouched. Afterwards: no crash, no error logged, nothing persisted badly, the servers still serve.
 * For every path: nothing outside the UI folder is ever served.
 *
 *   RAGBITS_HOSTILE_REQUESTS  generated API requests (default 10,000; the soak run sends 20,000)
 *   RAGBITS_HOSTILE_PATHS     generated traversal paths (default 2,000)
 *   RAGBITS_HOSTILE_SEED      fast-check seed (default 6); printed, so a failure can be replayed
 */
import "./support/sentinel-keys";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { Agent } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runInThisContext } from "node:vm";
import fc from "fast-check";
import { type ChatFormat } from "@ragbits/core";
import { type ChatContext, ChatInterface, type ChatResponse, JsonlHistoryStore, ListAuthentication, SqliteHistoryStore, type UploadedFile } from "../../src";
import { type ChatServer, startChatServer } from "./support/chat-server";
import { type RawResponse, mapConcurrently, rawRequest } from "./support/http-client";
import { BODY_LIMIT_BYTES, type HostileRequest, UPLOAD_LIMIT_BYTES, hostileRequest, traversalPath } from "./support/hostile-requests";
import { CrashRecorder } from "./support/process-watch";

const REQUESTS = Number(process.env.RAGBITS_HOSTILE_REQUESTS ?? 10_000);
const PATHS = Number(process.env.RAGBITS_HOSTILE_PATHS ?? 2_000);
const SEED = Number(process.env.RAGBITS_HOSTILE_SEED ?? 6);
const CONCURRENCY = 16;
/** Generous: ~1 ms a request here, 10 ms allowed. */
const TIMEOUT_MS = 60_000 + (REQUESTS + PATHS) * 10;

const SECRET = "TOP-SECRET-OUTSIDE-THE-UI-FOLDER";
const INDEX_HTML = '<!doctype html><html><head><title>fuzz ui</title><script type="module" src="./assets/app.js"></script></head><body></body></html>';
const APP_JS = "console.log('the only asset')";

/** The prototypes of this realm (where the server's code runs) and of Node's main realm. */
function prototypeSnapshot(): string {
  const mainRealm = runInThisContext("[Object.prototype, Array.prototype, Function.prototype, String.prototype]") as object[];
  return [Object.prototype, Array.prototype, Function.prototype, String.prototype, ...mainRealm].map((proto) => Object.getOwnPropertyNames(proto).sort().join(",")).join("|");
}

function polluted(): boolean {
  const probe = {} as Record<string, unknown>;
  const mainProbe = runInThisContext("({})") as Record<string, unknown>;
  return probe.polluted !== undefined || mainProbe.polluted !== undefined || probe.isAdmin !== undefined;
}

class FuzzTarget extends ChatInterface {
  override feedbackConfig = { like: { enabled: true }, dislike: { enabled: true } };
  override uploadHandler = async (_file: UploadedFile) => undefined;
  async *chat(message: string, history: ChatFormat, _context: ChatContext): AsyncGenerator<ChatResponse> {
    yield this.createTextResponse(message.slice(0, 40));
    yield this.createStateUpdate({ turns: history.length });
  }
  override async saveFeedback(): Promise<void> {}
}

function describeRequest(request: HostileRequest): string {
  const body = request.body ? (request.body.length > 300 ? `${request.body.subarray(0, 300).toString("latin1")}… (${request.body.length} bytes)` : request.body.toString("latin1")) : "(none)";
  return `${request.method} ${request.path} [${request.shape}] headers=${JSON.stringify(request.headers)} body=${JSON.stringify(body)}`;
}

/** What must hold for every answer on /api. Returns the problems found. */
function checkApiAnswer(request: HostileRequest, response: RawResponse): string[] {
  const problems: string[] = [];
  if (response.status >= 500) problems.push(`status ${response.status}: ${response.body.toString("utf8").slice(0, 200)}`);
  if (response.headers["x-content-type-options"] !== "nosniff") problems.push("no X-Content-Type-Options: nosniff");
  const type = String(response.headers["content-type"] ?? "");
  const text = response.body.toString("utf8");
  if (request.method === "HEAD") return problems;
  if (response.status >= 400) {
    let json: any;
    try {
      json = JSON.parse(text);
    } catch {
      problems.push(`${response.status} is not JSON: ${text.slice(0, 120)}`);
      return problems;
    }
    if (!type.startsWith("application/json")) problems.push(`${response.status} with content-type ${type}`);
    const loginShape = request.route === "login" && response.status === 401 && json?.success === false && typeof json?.error_message === "string";
    const detail = json?.detail;
    if (!loginShape && !(typeof detail === "string" ? detail.length > 0 : Array.isArray(detail) && detail.length > 0)) problems.push(`${response.status} without a detail: ${text.slice(0, 120)}`);
  } else if (response.status === 200 && request.route === "chat" && request.method === "POST") {
    if (!type.startsWith("text/event-stream")) problems.push(`chat 200 with content-type ${type}`);
    const frames = text.split("\n\n").filter(Boolean);
    if (!text.endsWith("\n\n")) problems.push("stream not ended by a blank line");
    let eventId = 0;
    for (const frame of frames) {
      if (frame.startsWith(":")) continue;
      // Each event: its id (1, 2, 3… within the turn), then one data line.
      const idLine = `id: ${++eventId}\n`;
      const data = frame.startsWith(idLine) ? frame.slice(idLine.length) : "";
      if (!data.startsWith("data: ") || data.includes("\n")) {
        problems.push(`bad SSE frame ${JSON.stringify(frame.slice(0, 80))}`);
        continue;
      }
      try {
        const event = JSON.parse(data.slice(6));
        if (event.type === "error") problems.push(`error event: ${JSON.stringify(event.content)}`);
      } catch {
        problems.push(`SSE data is not JSON: ${frame.slice(0, 80)}`);
      }
    }
  }
  return problems;
}

describe(`hostile input: ${REQUESTS} generated API requests and ${PATHS} traversal paths (seed ${SEED})`, () => {
  const crashes = new CrashRecorder();
  let dir: string;
  let open: ChatServer;
  let guarded: ChatServer;
  let sessionCookie: string;
  let jsonl: JsonlHistoryStore;
  let sqlite: SqliteHistoryStore;
  const agents: Agent[] = [];

  beforeAll(async () => {
    crashes.install();
    dir = mkdtempSync(join(tmpdir(), "ragbits-hostile-"));
    const ui = join(dir, "ui");
    mkdirSync(join(ui, "assets"), { recursive: true });
    writeFileSync(join(ui, "index.html"), INDEX_HTML);
    writeFileSync(join(ui, "assets", "app.js"), APP_JS);
    writeFileSync(join(dir, "secret.txt"), SECRET);
    writeFileSync(join(dir, "theme.css"), ":root { --accent: #f0a; }");
    jsonl = new JsonlHistoryStore({ path: join(dir, "history.jsonl") });
    sqlite = new SqliteHistoryStore({ path: join(dir, "history.db") });
    const options = { bodyLimit: BODY_LIMIT_BYTES, uploadLimitBytes: UPLOAD_LIMIT_BYTES, uiBuildDir: ui, themePath: join(dir, "theme.css") };
    open = await startChatServer(Object.assign(new FuzzTarget(), { historyPersistence: jsonl }), options);
    guarded = await startChatServer(Object.assign(new FuzzTarget(), { historyPersistence: sqlite }), { ...options, auth: new ListAuthentication([{ username: "ann", password: "correct horse" }]) });
    // Sign in before the fuzzer's failed logins make this address wait.
    const login = await rawRequest(guarded.port, { method: "POST", path: "/api/auth/login", headers: { "content-type": "application/json" }, body: Buffer.from('{"username":"ann","password":"correct horse"}') });
    expect(login.status).toBe(200);
    sessionCookie = String(login.headers["set-cookie"]).split(";")[0]!;
  });

  afterAll(async () => {
    for (const agent of agents) agent.destroy();
    crashes.uninstall();
    await open?.close();
    await guarded?.close();
    await jsonl?.close();
    await sqlite?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("never answers 5xx or tears a connection, answers every /api 4xx with a JSON detail, keeps prototypes clean", async () => {
    const before = prototypeSnapshot();
    const requests = fc.sample(hostileRequest, { numRuns: REQUESTS, seed: SEED });
    const openAgent = new Agent({ keepAlive: true, maxSockets: CONCURRENCY });
    const guardedAgent = new Agent({ keepAlive: true, maxSockets: CONCURRENCY });
    agents.push(openAgent, guardedAgent);
    const failures: string[] = [];
    const statuses = new Map<string, number>();
    const started = Date.now();

    await mapConcurrently(requests, CONCURRENCY, async (request, index) => {
      const useGuarded = index % 2 === 1;
      const server = useGuarded ? guarded : open;
      const headers = { ...request.headers };
      if (useGuarded && request.withSession) headers.cookie = headers.cookie ? `${sessionCookie}; ${headers.cookie}` : sessionCookie;
      let response: RawResponse;
      try {
        response = await rawRequest(server.port, { ...request, headers }, useGuarded ? guardedAgent : openAgent);
      } catch (error) {
        failures.push(`${describeRequest(request)} → transport error ${(error as Error).message}`);
        return;
      }
      const key = `${request.route} ${response.status}`;
      statuses.set(key, (statuses.get(key) ?? 0) + 1);
      const problems = checkApiAnswer(request, response);
      if (polluted()) problems.push("a prototype was polluted");
      if (problems.length) failures.push(`${describeRequest(request)} → ${problems.join("; ")}`);
    });
    const seconds = (Date.now() - started) / 1000;

    const table = [...statuses].sort(([a], [b]) => a.localeCompare(b, "en", { numeric: true })).map(([key, count]) => `${key}×${count}`);
    process.stdout.write(`\nhostile input: ${REQUESTS} requests in ${seconds.toFixed(1)} s (${Math.round(REQUESTS / seconds)}/s, seed ${SEED}): ${table.join(", ")}\n`);
    expect(failures.slice(0, 5)).toEqual([]);
    expect(prototypeSnapshot()).toBe(before);
    expect(polluted()).toBe(false);

    // No crash, nothing logged as an error (a 500, a failed save, a chat() failure), and both servers still serve.
    expect(crashes.problems).toEqual([]);
    const errors = [...open.logs, ...guarded.logs].filter((line) => line.level >= 50).map((line) => `${line.msg}: ${line.err?.message ?? ""}`);
    expect(errors).toEqual([]);
    for (const server of [open, guarded]) {
      expect((await rawRequest(server.port, { method: "GET", path: "/api/config" })).status).toBe(200);
      expect(server.activeTurns).toBe(0);
    }
  }, TIMEOUT_MS);

  it("never serves a file outside the UI folder, whatever the spelling of the path", async () => {
    const paths = fc.sample(traversalPath, { numRuns: PATHS, seed: SEED });
    const agent = new Agent({ keepAlive: true, maxSockets: CONCURRENCY });
    agents.push(agent);
    const failures: string[] = [];
    const statuses = new Map<number, number>();
    await mapConcurrently(paths, CONCURRENCY, async (path, index) => {
      const method = index % 5 === 0 ? "HEAD" : "GET";
      let response: RawResponse;
      try {
        response = await rawRequest(open.port, { method, path }, agent);
      } catch (error) {
        failures.push(`${method} ${path} → transport error ${(error as Error).message}`);
        return;
      }
      statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
      const text = response.body.toString("latin1");
      if (response.status >= 500) failures.push(`${method} ${path} → ${response.status}`);
      if (text.includes(SECRET) || text.includes("root:x:0:0")) failures.push(`${method} ${path} → served a file outside the UI folder`);
      // A 200 is the SPA page or the one asset, nothing else.
      if (response.status === 200 && method === "GET" && !text.includes("fuzz ui") && text !== APP_JS) failures.push(`${method} ${path} → 200 with ${JSON.stringify(text.slice(0, 80))}`);
    });
    process.stdout.write(`\ntraversal: ${PATHS} paths: ${[...statuses].sort(([a], [b]) => a - b).map(([status, count]) => `${status}×${count}`).join(", ")}\n`);
    expect(failures.slice(0, 5)).toEqual([]);
    expect(crashes.problems).toEqual([]);
  }, TIMEOUT_MS);
});
