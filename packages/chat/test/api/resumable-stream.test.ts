import { type ChatFormat, LiteLLM } from "@ragbits/core";
import { OpenAIMockServer } from "@ragbits/core/testing";
import { type ChatContext, ChatInterface, type ChatResponse, ListAuthentication } from "../../src";
import { MemoryHistory } from "../helpers/memory-history";
import { type ScriptedServer, pause, serveScript } from "../helpers/scripted-chat";
import { type SseFrame, answerText, openStream } from "../helpers/sse-frames";
import { postJson, startApi, waitFor } from "../helpers/start-api";

const RESUMABLE = { "content-type": "application/json", "x-ragbits-resumable": "1" };
const WORDS = Array.from({ length: 40 }, (_, index) => `w${index} `);
const FULL_ANSWER = WORDS.join("");

/** An app that answers WORDS one by one, 10 ms apart, and records every turn it saved. */
async function servePacedWords(options: Parameters<typeof serveScript>[1] = {}): Promise<ScriptedServer & { history: MemoryHistory }> {
  const server = await serveScript(async function* (turn) {
    for (const word of WORDS) {
      if (turn.context.signal.aborted) return;
      yield { type: "text", content: { text: word } } as ChatResponse;
      await pause(10);
    }
  }, options);
  const history = new MemoryHistory();
  server.chat.historyPersistence = history;
  return { ...server, history };
}

function startTurn(url: string, headers: Record<string, string> = RESUMABLE, message = "count please") {
  return openStream(`${url}/api/chat`, { method: "POST", headers, body: JSON.stringify({ message }) });
}

function reattach(url: string, messageId: string, token: string | null | undefined, lastEventId?: string, extra: Record<string, string> = {}) {
  const headers: Record<string, string> = { ...extra };
  if (token) headers["x-ragbits-resume-token"] = token;
  if (lastEventId !== undefined) headers["last-event-id"] = lastEventId;
  return openStream(`${url}/api/chat/${encodeURIComponent(messageId)}/stream`, { headers });
}

function messageIdOf(frames: SseFrame[]): string {
  return frames.find((frame) => frame.event.type === "message_id")!.event.content.message_id;
}

const textCount = (n: number) => (frames: SseFrame[]) => frames.filter((frame) => frame.event.type === "text").length >= n;

describe("SSE event ids", () => {
  it("numbers every event of a turn 1, 2, 3… and gives no resume token to a client that did not ask", async () => {
    const server = await servePacedWords();
    try {
      const stream = await startTurn(server.url, { "content-type": "application/json" });
      const frames = await stream.readAll();
      expect(stream.headers.get("x-ragbits-resume-token")).toBeNull();
      expect(frames.map((frame) => frame.id)).toEqual(frames.map((_, index) => String(index + 1)));
      expect(stream.raw()).not.toContain(": end");
      expect(frames.map((frame) => frame.event.type).slice(0, 3)).toEqual(["message_id", "conversation_id", "conversation_summary"]);
      expect(answerText(frames)).toBe(FULL_ANSWER);
    } finally {
      await server.close();
    }
  });

  it("keeps disconnect = stop for a client that did not announce resumption", async () => {
    const server = await servePacedWords({ resumeGraceMs: 60_000 });
    try {
      const stream = await startTurn(server.url, { "content-type": "application/json" });
      await stream.readUntil(textCount(3));
      stream.drop();
      await waitFor(() => server.history.records.length === 1, 2_000, "the aborted turn to be saved");
      expect(server.history.records[0]!.status).toBe("aborted");
      expect(server.history.records[0]!.response).not.toBe(FULL_ANSWER);
    } finally {
      await server.close();
    }
  });
});

describe("a resumable turn", () => {
  it("answers with an unguessable resume token and the same numbered events", async () => {
    const server = await servePacedWords();
    try {
      const first = await startTurn(server.url);
      const second = await startTurn(server.url);
      const [a, b] = [first.headers.get("x-ragbits-resume-token"), second.headers.get("x-ragbits-resume-token")];
      expect(a).toMatch(/^[A-Za-z0-9_-]{43}$/);
      expect(b).toMatch(/^[A-Za-z0-9_-]{43}$/);
      expect(a).not.toBe(b);
      const frames = await first.readAll();
      await second.readAll();
      expect(frames.map((frame) => frame.id)).toEqual(frames.map((_, index) => String(index + 1)));
      expect(answerText(frames)).toBe(FULL_ANSWER);
      // The stream of a turn that is over ends with the `: end` comment (a cut one does not).
      expect(first.raw().endsWith("\n\n: end\n\n")).toBe(true);
    } finally {
      await server.close();
    }
  });

  it("keeps generating after the connection drops; a re-attach with Last-Event-ID replays what was missed and follows live", async () => {
    const server = await servePacedWords();
    try {
      const stream = await startTurn(server.url);
      const token = stream.headers.get("x-ragbits-resume-token");
      const before = await stream.readUntil(textCount(5));
      stream.drop();
      // The app goes on without anyone listening.
      await pause(100);
      expect(server.history.records).toHaveLength(0);
      const lastId = before.at(-1)!.id!;
      const resumed = await reattach(server.url, messageIdOf(before), token, lastId);
      expect(resumed.status).toBe(200);
      expect(resumed.headers.get("content-type")).toMatch(/^text\/event-stream/);
      const after = await resumed.readAll();
      expect(stream.raw()).not.toContain(": end");
      expect(resumed.raw().endsWith("\n\n: end\n\n")).toBe(true);
      expect(Number(after[0]!.id)).toBe(Number(lastId) + 1);
      const ids = [...before, ...after].map((frame) => Number(frame.id));
      expect(ids).toEqual(ids.map((_, index) => index + 1));
      expect(answerText([...before, ...after])).toBe(FULL_ANSWER);
      await waitFor(() => server.history.records.length === 1, 2_000, "the turn to be saved");
      expect(server.history.records[0]).toMatchObject({ status: "completed", response: FULL_ANSWER });
    } finally {
      await server.close();
    }
  });

  it("replays the whole turn without Last-Event-ID, also after it ended (within the retention)", async () => {
    const server = await servePacedWords();
    try {
      const stream = await startTurn(server.url);
      const token = stream.headers.get("x-ragbits-resume-token");
      const original = await stream.readAll();
      const replay = await (await reattach(server.url, messageIdOf(original), token)).readAll();
      expect(replay).toEqual(original);
    } finally {
      await server.close();
    }
  });

  it("is stopped like a disconnect when nobody re-attaches within the grace period: the model call is cancelled, the partial answer saved as aborted", async () => {
    const upstream = await OpenAIMockServer.start();
    const history = new MemoryHistory();
    let sawAbort = false;
    class Tutorial extends ChatInterface {
      llm = new LiteLLM({ modelName: "gpt-4o-mini", apiKey: "sk-test-000000000000", baseUrl: upstream.url });
      override historyPersistence = history;
      async *chat(message: string, chatHistory: ChatFormat, context: ChatContext): AsyncGenerator<ChatResponse> {
        context.signal.addEventListener("abort", () => (sawAbort = true));
        for await (const chunk of this.llm.generateStreaming([...chatHistory, { role: "user", content: message }])) yield this.createTextResponse(chunk);
      }
    }
    upstream.enqueue({ text: Array.from({ length: 300 }, (_, index) => `t${index} `), chunkDelayMs: 10 });
    const server = await startApi(Tutorial, { resumeGraceMs: 300 });
    try {
      const stream = await startTurn(server.url);
      await stream.readUntil((frames) => answerText(frames).includes("t2 "));
      stream.drop();
      const droppedAt = Date.now();
      // Still generating inside the grace period.
      await pause(150);
      expect(sawAbort).toBe(false);
      await upstream.waitForClientAbort(3_000);
      const elapsed = Date.now() - droppedAt;
      expect(elapsed).toBeGreaterThanOrEqual(280);
      expect(elapsed).toBeLessThan(1_500);
      await waitFor(() => history.records.length === 1, 2_000, "the aborted turn to be saved");
      expect(sawAbort).toBe(true);
      expect(history.records[0]!.status).toBe("aborted");
      expect(history.records[0]!.response.startsWith("t0 t1 t2 ")).toBe(true);
      expect(history.records[0]!.response).not.toContain("t299");
    } finally {
      await server.close();
      await upstream.close();
    }
  });

  it("stops at once on POST /api/chat/:message_id/stop with its token: model call cancelled, open readers end, answer saved as aborted", async () => {
    const upstream = await OpenAIMockServer.start();
    const history = new MemoryHistory();
    class Tutorial extends ChatInterface {
      llm = new LiteLLM({ modelName: "gpt-4o-mini", apiKey: "sk-test-000000000000", baseUrl: upstream.url });
      override historyPersistence = history;
      async *chat(message: string): AsyncGenerator<ChatResponse> {
        for await (const chunk of this.llm.generateStreaming(message)) yield this.createTextResponse(chunk);
      }
    }
    upstream.enqueue({ text: Array.from({ length: 300 }, (_, index) => `t${index} `), chunkDelayMs: 10 });
    const server = await startApi(Tutorial, { resumeGraceMs: 60_000 });
    try {
      const stream = await startTurn(server.url);
      const token = stream.headers.get("x-ragbits-resume-token")!;
      const frames = await stream.readUntil((seen) => answerText(seen).includes("t2 "));
      const stoppedAt = Date.now();
      const stop = await postJson(server.url, `/api/chat/${messageIdOf(frames)}/stop`, "", { "x-ragbits-resume-token": token });
      expect(stop).toMatchObject({ status: 200, body: { status: "stopped" } });
      await upstream.waitForClientAbort(2_000);
      expect(Date.now() - stoppedAt).toBeLessThan(1_000);
      // The stop answers once the partial answer is saved.
      expect(history.records).toHaveLength(1);
      expect(history.records[0]!.status).toBe("aborted");
      // The reader that was still connected gets a clean end.
      const all = await stream.readAll();
      expect(answerText(all)).not.toContain("t299");
      const again = await postJson(server.url, `/api/chat/${messageIdOf(frames)}/stop`, "", { "x-ragbits-resume-token": token });
      expect(again).toMatchObject({ status: 200, body: { status: "finished" } });
    } finally {
      await server.close();
      await upstream.close();
    }
  });

  it("answers 404 for an unknown id, a missing or wrong token, and after the retention; 400 for a malformed Last-Event-ID", async () => {
    const server = await servePacedWords({ resumableTurns: { retentionMs: 1_500 } });
    try {
      const stream = await startTurn(server.url);
      const token = stream.headers.get("x-ragbits-resume-token")!;
      const frames = await stream.readAll();
      const endedBy = Date.now();
      const messageId = messageIdOf(frames);
      const wrong = token.slice(0, -2) + (token.endsWith("AA") ? "BB" : "AA");
      for (const [id, sent] of [
        ["no-such-turn", token],
        [messageId, undefined],
        [messageId, wrong],
      ] as const) {
        const response = await reattach(server.url, id, sent);
        expect(response.status).toBe(404);
        const stop = await postJson(server.url, `/api/chat/${id}/stop`, "", sent ? { "x-ragbits-resume-token": sent } : {});
        expect(stop).toMatchObject({ status: 404, body: { detail: "No resumable answer with this id" } });
      }
      expect((await reattach(server.url, messageId, token, "abc")).status).toBe(400);
      expect((await reattach(server.url, messageId, token, "2")).status).toBe(200);
      await pause(endedBy + 1_600 - Date.now());
      expect((await reattach(server.url, messageId, token)).status).toBe(404);
    } finally {
      await server.close();
    }
  });

  it("with auth, only the user who started the turn can re-attach or stop it, even with the token", async () => {
    const server = await servePacedWords({ auth: new ListAuthentication([{ username: "ann", password: "ann-pass" }, { username: "bob", password: "bob-pass" }]) });
    const cookieOf = async (username: string) => (await postJson(server.url, "/api/auth/login", { username, password: `${username}-pass` })).headers.get("set-cookie")!.split(";")[0]!;
    try {
      const [ann, bob] = [await cookieOf("ann"), await cookieOf("bob")];
      const stream = await startTurn(server.url, { ...RESUMABLE, cookie: ann });
      const token = stream.headers.get("x-ragbits-resume-token")!;
      const frames = await stream.readUntil(textCount(2));
      stream.drop();
      const messageId = messageIdOf(frames);
      expect((await reattach(server.url, messageId, token, undefined, { cookie: bob })).status).toBe(404);
      expect(await postJson(server.url, `/api/chat/${messageId}/stop`, "", { "x-ragbits-resume-token": token, cookie: bob })).toMatchObject({ status: 404 });
      expect((await reattach(server.url, messageId, token)).status).toBe(401);
      const resumed = await reattach(server.url, messageId, token, frames.at(-1)!.id, { cookie: ann });
      expect(resumed.status).toBe(200);
      expect(answerText([...frames, ...(await resumed.readAll())])).toBe(FULL_ANSWER);
    } finally {
      await server.close();
    }
  });
});

describe("retention of finished turns", () => {
  it("forgets a turn a few seconds after a client received its end, and keeps one whose client was cut before it", async () => {
    const server = await servePacedWords({ resumableTurns: { retentionMs: 60_000 } });
    try {
      const delivered = await startTurn(server.url);
      const deliveredToken = delivered.headers.get("x-ragbits-resume-token")!;
      const deliveredFrames = await delivered.readAll();
      const cut = await startTurn(server.url);
      const cutToken = cut.headers.get("x-ragbits-resume-token")!;
      const cutFrames = await cut.readUntil(textCount(2));
      cut.drop();
      await waitFor(() => server.history.records.length === 2, 3_000, "both turns to end");
      await pause(5_300);
      expect((await reattach(server.url, messageIdOf(deliveredFrames), deliveredToken)).status).toBe(404);
      const resumed = await reattach(server.url, messageIdOf(cutFrames), cutToken, cutFrames.at(-1)!.id);
      expect(resumed.status).toBe(200);
      expect(answerText([...cutFrames, ...(await resumed.readAll())])).toBe(FULL_ANSWER);
    } finally {
      await server.close();
    }
  });
});

describe("resumable turns across origins", () => {
  it("lets an allowed origin send the resumable headers and read the resume token", async () => {
    const origin = "https://chat.example.com";
    const server = await servePacedWords({ corsOrigins: [origin] });
    try {
      const preflight = await fetch(`${server.url}/api/chat/some-id/stream`, {
        method: "OPTIONS",
        headers: { origin, "access-control-request-method": "GET", "access-control-request-headers": "x-ragbits-resume-token, last-event-id" },
      });
      expect(preflight.headers.get("access-control-allow-headers")).toBe("x-ragbits-resume-token, last-event-id");
      const stream = await startTurn(server.url, { ...RESUMABLE, origin });
      expect(stream.headers.get("access-control-expose-headers")?.split(/,\s*/)).toContain("x-ragbits-resume-token");
      await stream.readAll();
    } finally {
      await server.close();
    }
  });
});

describe("the bounds of kept events", () => {
  it("drops a turn's oldest events past maxEventsPerTurn: a re-attach that needs them is 410, a recent cursor still resumes", async () => {
    const server = await servePacedWords({ resumableTurns: { maxEventsPerTurn: 10 } });
    try {
      const stream = await startTurn(server.url);
      const token = stream.headers.get("x-ragbits-resume-token")!;
      const frames = await stream.readAll();
      const messageId = messageIdOf(frames);
      expect((await reattach(server.url, messageId, token)).status).toBe(410);
      const lastIds = frames.slice(-5);
      const tail = await (await reattach(server.url, messageId, token, frames.at(-6)!.id)).readAll();
      expect(tail).toEqual(lastIds);
    } finally {
      await server.close();
    }
  });

  it("past maxTurns, a new turn is streamed as a non-resumable one (no token; its disconnect stops it)", async () => {
    const server = await servePacedWords({ resumableTurns: { maxTurns: 1 } });
    try {
      const first = await startTurn(server.url);
      expect(first.headers.get("x-ragbits-resume-token")).not.toBeNull();
      const second = await startTurn(server.url);
      expect(second.headers.get("x-ragbits-resume-token")).toBeNull();
      const frames = await second.readUntil(textCount(2));
      expect(frames.map((frame) => frame.id)).toEqual(frames.map((_, index) => String(index + 1)));
      second.drop();
      await waitFor(() => server.history.records.some((record) => record.status === "aborted"), 2_000, "the second turn to stop");
      expect(answerText(await first.readAll())).toBe(FULL_ANSWER);
    } finally {
      await server.close();
    }
  });
});
