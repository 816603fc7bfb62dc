/**
 * Resumable turns across replicas: two RagbitsAPI instances (two "replicas") on one real PostgreSQL.
 * A turn started on one is re-attached through the other, stopped through the other, and a turn
 * whose replica died is read back as far as it got, then a clean error — never a hang.
 */
import { createHash } from "node:crypto";
import { Client } from "pg";
import { type ChatResponse } from "../../src";
import { RagbitsChatClient } from "../../src/client";
import { usePostgres } from "../helpers/postgres";
import { type ScriptedServer, pause, serveScript } from "../helpers/scripted-chat";
import { answerText, openStream, type SseFrame } from "../helpers/sse-frames";
import { postJson } from "../helpers/start-api";

jest.setTimeout(60_000);

const postgres = usePostgres();
const WORDS = Array.from({ length: 60 }, (_, index) => `w${index} `);
const RESUMABLE = { "content-type": "application/json", "x-ragbits-resumable": "1" };

let a: ScriptedServer;
let b: ScriptedServer;

beforeAll(async () => {
  const replica = () =>
    serveScript(
      async function* (turn) {
        for (const word of WORDS) {
          if (turn.context.signal.aborted) return;
          yield { type: "text", content: { text: word } } as ChatResponse;
          await pause(20);
        }
      },
      // A short grace period: the turn survives on A only because B tells A a client is attached there.
      { databaseUrl: postgres.url, resumeGraceMs: 300, database: { resumableTurns: { heartbeatMs: 200, replicaTimeoutMs: 1_000 } } },
    );
  [a, b] = [await replica(), await replica()];
});

afterAll(async () => {
  await a?.close();
  await b?.close();
});

const messageIdOf = (frames: SseFrame[]) => frames.find((frame) => frame.event.type === "message_id")!.event.content.message_id as string;
const textCount = (n: number) => (frames: SseFrame[]) => frames.filter((frame) => frame.event.type === "text").length >= n;

/** The saved interaction's status, once there is one (the save follows the turn's end). */
async function savedStatus(messageId: string): Promise<string | undefined> {
  const deadline = Date.now() + 3_000;
  for (;;) {
    const status = await interactionStatus(messageId);
    if (status !== undefined || Date.now() > deadline) return status;
    await pause(25);
  }
}

async function interactionStatus(messageId: string): Promise<string | undefined> {
  const client = new Client({ connectionString: postgres.url });
  await client.connect();
  try {
    const { rows } = await client.query<{ status: string }>("SELECT status FROM ragbits_interactions WHERE message_id = $1", [messageId]);
    return rows[0]?.status;
  } finally {
    await client.end();
  }
}

it("a turn started on replica A is re-attached through replica B: the missed events, then live to the end, and A keeps generating meanwhile", async () => {
  const started = await openStream(`${a.url}/api/chat`, { method: "POST", headers: RESUMABLE, body: JSON.stringify({ message: "count" }) });
  const token = started.headers.get("x-ragbits-resume-token")!;
  const before = await started.readUntil(textCount(5));
  started.drop();
  const messageId = messageIdOf(before);
  const resumed = await openStream(`${b.url}/api/chat/${messageId}/stream`, { headers: { "x-ragbits-resume-token": token, "last-event-id": before.at(-1)!.id! } });
  expect(resumed.status).toBe(200);
  const after = await resumed.readAll();
  expect(resumed.raw().endsWith("\n\n: end\n\n")).toBe(true);
  const ids = [...before, ...after].map((frame) => Number(frame.id));
  expect(ids).toEqual(ids.map((_, index) => index + 1));
  expect(answerText([...before, ...after])).toBe(WORDS.join(""));
  // Longer than A's 300 ms grace period: B's attachment kept the turn alive.
  expect(await savedStatus(messageId)).toBe("completed");
  // B never ran the app.
  expect(b.chat.turns).toHaveLength(0);
});

it("the client resumes through another replica by itself (the first connection to A, re-attaches to B)", async () => {
  const cutAfter = 700;
  let requests = 0;
  const client = new RagbitsChatClient({
    baseUrl: a.url,
    resume: { initialDelayMs: 5 },
    // A load balancer that sends the POST to A and everything after it to B, and a connection that drops.
    fetch: async (url, init) => {
      const target = requests++ === 0 ? url : url.replace(a.url, b.url);
      const response = await fetch(target, init);
      if (requests > 1 || !response.body) return response;
      const reader = response.body.getReader();
      let sent = 0;
      const cut = new ReadableStream<Uint8Array>({
        async pull(controller) {
          const { value, done } = await reader.read();
          if (done) return controller.close();
          if (sent + value.length >= cutAfter) {
            controller.enqueue(value.slice(0, cutAfter - sent));
            await reader.cancel();
            return controller.error(new TypeError("terminated"));
          }
          sent += value.length;
          controller.enqueue(value);
        },
      });
      return new Response(cut, { status: response.status, headers: response.headers });
    },
  });
  const result = await client.run("count");
  expect(requests).toBe(2);
  expect(result.text).toBe(WORDS.join(""));
});

it("a stop sent to replica B stops the turn on replica A at once", async () => {
  const turnsBefore = a.chat.turns.length;
  const started = await openStream(`${a.url}/api/chat`, { method: "POST", headers: RESUMABLE, body: JSON.stringify({ message: "count" }) });
  const token = started.headers.get("x-ragbits-resume-token")!;
  const frames = await started.readUntil(textCount(3));
  const messageId = messageIdOf(frames);
  const stoppedAt = Date.now();
  const stop = await postJson(b.url, `/api/chat/${messageId}/stop`, "", { "x-ragbits-resume-token": token });
  expect(stop).toMatchObject({ status: 200, body: { status: "stopped" } });
  expect(Date.now() - stoppedAt).toBeLessThan(2_000);
  await a.chat.turns[turnsBefore]!.ended;
  const rest = await started.readAll();
  expect(answerText(rest)).not.toContain("w59");
  expect(await savedStatus(messageId)).toBe("aborted");
  // Someone else's token is refused by B as by A.
  expect((await postJson(b.url, `/api/chat/${messageId}/stop`, "", { "x-ragbits-resume-token": "x".repeat(43) })).status).toBe(404);
  expect((await openStream(`${b.url}/api/chat/${messageId}/stream`, { headers: { "x-ragbits-resume-token": "x".repeat(43) } })).status).toBe(404);
});

it("a turn whose replica died: a re-attach gets what was generated, then an error saying the answer was interrupted, and the end", async () => {
  // What a replica that crashed mid-turn leaves behind: a running turn, its events so far, a heartbeat that stopped.
  const token = "dead-replica-token-000000000000000000000000";
  const messageId = "0d3ad000-0000-4000-8000-000000000001";
  const frames = [
    `id: 1\ndata: ${JSON.stringify({ type: "message_id", content: { message_id: messageId } })}\n\n`,
    `id: 2\ndata: ${JSON.stringify({ type: "text", content: { text: "partial " } })}\n\n`,
    `id: 3\ndata: ${JSON.stringify({ type: "text", content: { text: "answer" } })}\n\n`,
  ];
  const db = new Client({ connectionString: postgres.url });
  await db.connect();
  try {
    await db.query(
      "INSERT INTO ragbits_turns (message_id, token_hash, owner, replica, status, heartbeat_at, attached_until) VALUES ($1, $2, '', 'crashed-replica', 'running', $3, 0)",
      [messageId, createHash("sha256").update(token).digest(), Date.now()],
    );
    await db.query("INSERT INTO ragbits_turn_events (message_id, id, frame) SELECT $1, * FROM unnest($2::int[], $3::text[])", [messageId, [1, 2, 3], frames]);
  } finally {
    await db.end();
  }
  // Its heartbeat is fresh for now: the reader waits, then sees it stop (replicaTimeoutMs 1 s).
  const startedAt = Date.now();
  const resumed = await openStream(`${b.url}/api/chat/${messageId}/stream`, { headers: { "x-ragbits-resume-token": token, "last-event-id": "1" } });
  expect(resumed.status).toBe(200);
  const got = await resumed.readAll();
  expect(Date.now() - startedAt).toBeLessThan(5_000);
  expect(got.map((frame) => frame.event)).toEqual([
    { type: "text", content: { text: "partial " } },
    { type: "text", content: { text: "answer" } },
    { type: "error", content: { message: "The server that was generating this answer stopped, so the answer was interrupted. Please ask again." } },
  ]);
  // The error has no id: the client's cursor stays on the last real event.
  expect(got.map((frame) => frame.id)).toEqual(["2", "3", undefined]);
  expect(resumed.raw().endsWith("\n\n: end\n\n")).toBe(true);
});
