/**
 * Resumable answers in the production shape: nginx running the project's example config
 * (docs/deploy/nginx.conf) in front of two `ragbits api run` replicas on one real PostgreSQL. A turn
 * started on one replica is re-attached through nginx landing on the other and completes; after
 * `kill -9` of the replica running a turn, a re-attach gets the partial answer and a clean error.
 * Which replica served a request is read from nginx's access log. Needs nginx and PostgreSQL
 * (`node scripts/bootstrap.mjs --for-tests`): without them it fails, it is not skipped.
 */
import { existsSync } from "node:fs";
import { CLI, stopAll } from "../cli-fixtures/cli-process";
import { UserProject } from "../cli-fixtures/user-project";
import { usePostgres } from "../helpers/postgres";
import { type SseFrame, answerText, openStream, type OpenStream } from "../helpers/sse-frames";
import { type NginxServer, nginxBinary, startNginx, upstreamsOf } from "./support/nginx";
import { DEPLOY_AUTH_TS, DEPLOY_CHAT_TS, DEPLOY_USERS, type Replica, freePort, startReplica } from "./support/replica";

jest.setTimeout(180_000);

const postgres = usePostgres();
let project: UserProject;
let replicas: Replica[] = [];
let nginx: NginxServer;
let cookie: string;
const SLOW_ANSWER_WORDS = Array.from({ length: 60 }, (_, index) => `w${index} `).join("");

beforeAll(async () => {
  nginxBinary();
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run \`pnpm --filter @ragbits/chat build\` first`);
  project = new UserProject();
  project.write("deploy-chat.ts", DEPLOY_CHAT_TS);
  project.write("deploy-auth.ts", DEPLOY_AUTH_TS);
  const ports = [await freePort(), await freePort()];
  replicas = await Promise.all(ports.map((port, i) => startReplica(project, i === 0 ? "A" : "B", port, postgres.url)));
  nginx = await startNginx({ port: await freePort(), upstreamPorts: ports });
  const login = await fetch(`${nginx.url}/api/auth/login`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(DEPLOY_USERS[0]) });
  expect(login.status).toBe(200);
  cookie = login.headers.get("set-cookie")!.split(";")[0]!;
}, 180_000);

afterAll(async () => {
  await nginx?.stop();
  await stopAll();
  project?.remove();
});

let sequence = 0;

/** A request through nginx, tagged so its access log line (and so the replica that served it) can be found. */
async function viaNginx(path: string, init: RequestInit): Promise<{ stream: OpenStream; servedBy: () => Promise<Replica> }> {
  const tag = `rq=${++sequence}`;
  const stream = await openStream(`${nginx.url}${path}?${tag}`, init);
  return { stream, servedBy: () => servedBy(tag) };
}

/** nginx writes a request's line when it ends. */
async function servedBy(tag: string): Promise<Replica> {
  const pattern = new RegExp(`[?&]${tag} `);
  const deadline = Date.now() + 5_000;
  for (;;) {
    const line = nginx.accessLog().find((entry) => pattern.test(entry));
    if (line) {
      const address = upstreamsOf(line).at(-1);
      return replicas.find((replica) => replica.address === address)!;
    }
    if (Date.now() > deadline) throw new Error(`no access log line for ${tag}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** The replica that runs the turn: the app's first words are its process id. */
function runnerOf(frames: SseFrame[]): Replica {
  const pid = Number(/^\[(\d+)\] /.exec(answerText(frames))![1]);
  return replicas.find((replica) => replica.process.pid === pid)!;
}

async function startSlowTurn(): Promise<{ frames: SseFrame[]; token: string; messageId: string; runner: Replica }> {
  const { stream } = await viaNginx("/api/chat", { method: "POST", headers: { "content-type": "application/json", "x-ragbits-resumable": "1", cookie }, body: JSON.stringify({ message: "slow story" }) });
  expect(stream.status).toBe(200);
  const token = stream.headers.get("x-ragbits-resume-token")!;
  expect(token).toBeTruthy();
  const frames = await stream.readUntil((seen) => seen.filter((frame) => frame.event.type === "text").length >= 4);
  stream.drop();
  const messageId = frames.find((frame) => frame.event.type === "message_id")!.event.content.message_id as string;
  return { frames, token, messageId, runner: runnerOf(frames) };
}

it("a turn started on one replica is re-attached through nginx landing on the other one, and completes there", async () => {
  const { frames, token, messageId, runner } = await startSlowTurn();
  // Round robin: the request after the one that started the turn goes to the other replica.
  const { stream, servedBy: served } = await viaNginx(`/api/chat/${messageId}/stream`, { headers: { "x-ragbits-resume-token": token, "last-event-id": frames.at(-1)!.id!, cookie } });
  expect(stream.status).toBe(200);
  const rest = await stream.readAll();
  expect((await served()).name).toBe(replicas.find((replica) => replica !== runner)!.name);
  expect(rest[0]!.id).toBe(String(Number(frames.at(-1)!.id) + 1));
  expect(stream.raw().endsWith("\n\n: end\n\n")).toBe(true);
  expect(answerText([...frames, ...rest])).toBe(`[${runner.process.pid}] ${SLOW_ANSWER_WORDS}`);
});

it("kill -9 of the replica running a turn: a re-attach gets the partial answer, then a clean error saying it was interrupted", async () => {
  const { frames, token, messageId, runner } = await startSlowTurn();
  await new Promise((resolve) => setTimeout(resolve, 500));
  process.kill(runner.process.pid, "SIGKILL");
  const killedAt = Date.now();
  // nginx fails over from the dead replica to the live one, which reads the turn from PostgreSQL.
  const { stream, servedBy: served } = await viaNginx(`/api/chat/${messageId}/stream`, { headers: { "x-ragbits-resume-token": token, "last-event-id": frames.at(-1)!.id!, cookie } });
  expect(stream.status).toBe(200);
  const rest = await stream.readAll();
  const survivor = await served();
  expect(survivor).not.toBe(runner);
  // The running replica's heartbeat is missed for replicaTimeoutMs (10 s): then the stream ends, never hangs.
  expect(Date.now() - killedAt).toBeLessThan(20_000);
  expect(rest.at(-1)!.event).toEqual({ type: "error", content: { message: "The server that was generating this answer stopped, so the answer was interrupted. Please ask again." } });
  expect(stream.raw().endsWith("\n\n: end\n\n")).toBe(true);
  const text = answerText([...frames, ...rest]);
  expect(`[${runner.process.pid}] ${SLOW_ANSWER_WORDS}`.startsWith(text)).toBe(true);
  // What the replica generated in the half second before it died reached the other replica.
  expect(text.length).toBeGreaterThan(answerText(frames).length);
});
