/**
 * Abort storm: many clients disconnect at random points of a streamed answer (on the response
 * headers, after k text events, or after a random delay), a bounded number at a time. The chat is the
 * tutorial's (LiteLLM → OpenAI wire format on loopback) and persists into a real JsonlHistoryStore.
 *
 * Proves, for every client: its upstream request was closed, and how soon after the client left
 * (measured at the upstream server, on the same clock as the client's disconnect); the app's
 * `finally` ran; the partial answer was persisted (a prefix of what the upstream sent, and at least
 * what the client saw); and afterwards no socket, timer or tracked turn is left.
 *
 *   RAGBITS_ABORT_STORM_CLIENTS      clients (default 100 in `pnpm test`; the soak run uses 1,000)
 *   RAGBITS_ABORT_STORM_CONCURRENCY  clients at a time (default 50)
 *   RAGBITS_ABORT_STORM_SEED         the random points (default 20261126)
 *
 * Here client, chat server and upstream share one process (and one event loop), so the close
 * latencies include the harness's own queueing; they are printed and bounded generously. The issue's
 * bound — p99 ≤ 100 ms — is asserted by `pnpm test:soak`, whose storm runs the chat server and the
 * upstream in their own processes (packages/chat/soak/abort-storm.ts).
 * Clients that leave before the server has even read their request are shown apart: the server can
 * only notice them when it gets to the request.
 */
import { SENTINEL_KEYS, findSentinel } from "./support/sentinel-keys";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type ChatFormat, LiteLLM } from "@ragbits/core";
import { OpenAIMockServer, type RecordedRequest } from "@ragbits/core/testing";
import { type ChatContext, ChatInterface, type ChatResponse, type InteractionRecord, JsonlHistoryStore } from "../../src";
import { waitFor } from "../helpers/start-api";
import { type ChatServer, startChatServer } from "./support/chat-server";
import { type ChatStreamOptions, type ChatStreamResult, chatStream, mapConcurrently, percentile } from "./support/http-client";
import { CrashRecorder, HandleTracker, activeResourceCounts, settleActiveResources } from "./support/process-watch";
import { UpstreamLifetimes, type UpstreamWatch, watchUpstream } from "./support/upstream-providers";
import { type StormPlan, stormPlans } from "../../soak/storm-plans";

const CLIENTS = Number(process.env.RAGBITS_ABORT_STORM_CLIENTS ?? 100);
const CONCURRENCY = Number(process.env.RAGBITS_ABORT_STORM_CONCURRENCY ?? 50);
const SEED = Number(process.env.RAGBITS_ABORT_STORM_SEED ?? 20261126);
/** Generous (a loaded 2-core machine, everything in one process); the soak asserts the 100 ms. */
const MAX_CLOSE_MS = 2_000;
const TIMEOUT_MS = 60_000 + CLIENTS * 50;

/** The upstream answer: long enough (100 chunks, 40 ms apart) that every client leaves before it ends. */
const CHUNKS = Array.from({ length: 100 }, (_, index) => `w${index}·ż😀 `);
const FULL_ANSWER = CHUNKS.join("");

function optionsFor(plan: StormPlan): ChatStreamOptions {
  switch (plan.kind) {
    case "on-headers":
      return { abortOnHeaders: true };
    case "after-text-events": {
      let texts = 0;
      // count 0: leave on the first framework event, before any text.
      return { onEvent: (event) => (plan.count === 0 ? true : event.type === "text" && ++texts >= plan.count) };
    }
    case "after-ms":
      return { abortAfterMs: plan.ms };
  }
}

describe(`abort storm: ${CLIENTS} clients disconnecting at random points, ${CONCURRENCY} at a time`, () => {
  const counters = { started: 0, finally: 0 };
  const lifetimes = new UpstreamLifetimes();
  const crashes = new CrashRecorder();
  const handles = new HandleTracker();
  let dir: string;
  let store: JsonlHistoryStore;
  let upstream: OpenAIMockServer;
  let upstreamWatch: UpstreamWatch;
  let chat: ChatServer;

  beforeAll(async () => {
    crashes.install();
    dir = mkdtempSync(join(tmpdir(), "ragbits-abort-storm-"));
    store = new JsonlHistoryStore({ path: join(dir, "history.jsonl") });
    upstream = await OpenAIMockServer.start({
      apiKey: SENTINEL_KEYS.OPENAI_API_KEY,
      recordRequests: false,
      defaultReply: (request: RecordedRequest) => {
        const lifetime = lifetimes.of(request.headers);
        if (lifetime) lifetime.id = String(request.body?.messages?.at(-1)?.content ?? "");
        return { text: CHUNKS, chunkDelayMs: 40 };
      },
    });
    // No stalls here (a chunk every 40 ms): a request silent for 1.5 s was forgotten by its client.
    upstreamWatch = watchUpstream(upstream, 1_500);
    lifetimes.attach(upstream);
    const llm = new LiteLLM({ modelName: "gpt-4o-mini", baseUrl: upstream.url });
    class TutorialChat extends ChatInterface {
      override historyPersistence = store;
      async *chat(message: string, history: ChatFormat, _context: ChatContext): AsyncGenerator<ChatResponse> {
        counters.started++;
        try {
          for await (const chunk of llm.generateStreaming([...history, { role: "user", content: message }])) yield this.createTextResponse(chunk);
        } finally {
          counters.finally++;
        }
      }
    }
    chat = await startChatServer(TutorialChat);
    // A server that has served before: the SDK is loaded and connections have been made once.
    upstream.enqueue({ text: ["warm"] });
    await chatStream(chat.port, { message: "warm up", context: { conversation_id: "warm-up" } });
    handles.enable();
  });

  afterAll(async () => {
    handles.disable();
    crashes.uninstall();
    await chat?.close();
    await upstream?.close();
    await store?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("closes every upstream request promptly, runs every finally, persists every partial answer, and leaks nothing", async () => {
    await upstream.waitForNoConnections(5_000);
    const baseline = activeResourceCounts();
    const mark = handles.mark();
    const before = { upstreamRequests: lifetimes.all.length, aborts: upstream.clientAborts };
    const clientPlans = stormPlans(CLIENTS, SEED);
    const startedAt = Date.now();
    const results: ChatStreamResult[] = await mapConcurrently(clientPlans, CONCURRENCY, (plan, index) =>
      chatStream(chat.port, { message: `client ${index}`, context: { conversation_id: `storm-${index}` } }, optionsFor(plan)),
    );
    const stormMs = Date.now() - startedAt;

    // Every client left before the answer ended.
    expect(results.every((result) => result.abortedAt !== undefined && !result.text.endsWith(CHUNKS.at(-1)!))).toBe(true);

    // Every upstream request gets closed, none by the upstream's own idle reaper.
    await waitFor(() => lifetimes.open === 0, 5_000, "every upstream request to close");
    const stormRequests = lifetimes.all.slice(before.upstreamRequests);
    expect(upstream.clientAborts - before.aborts).toBe(stormRequests.length);
    expect(upstreamWatch.reapedWithRequest).toBe(0);
    expect(stormRequests.every((lifetime) => !lifetime.finished)).toBe(true);

    // How soon after its client left was each upstream request closed? (Same process, same clock.)
    // "mid-stream": the client had the response headers; "early": it left before the server even
    // answered, so the server only learns of it once it gets to the request (load shows here).
    const latencies: number[] = [];
    const midStream: number[] = [];
    for (const lifetime of stormRequests) {
      expect(lifetime.id).toMatch(/^client \d+$/);
      const client = results[Number(lifetime.id!.slice("client ".length))]!;
      const latency = Math.max(0, lifetime.closedAt! - client.abortedAt!);
      latencies.push(latency);
      if (client.status !== 0) midStream.push(latency);
    }
    const figures = { p50: percentile(latencies, 50), p99: percentile(latencies, 99), max: Math.max(...latencies) };
    const ms = (value: number) => `${value.toFixed(1)} ms`;
    process.stdout.write(
      `\nabort storm: ${CLIENTS} clients, ${CONCURRENCY} at a time, ${stormRequests.length} upstream requests, ${(stormMs / 1000).toFixed(1)} s (seed ${SEED})\n` +
        `  upstream closed after the client left, all:        p50 ${ms(figures.p50)}, p99 ${ms(figures.p99)}, max ${ms(figures.max)}\n` +
        `  mid-stream (${midStream.length} clients had the headers): p50 ${ms(percentile(midStream, 50))}, p99 ${ms(percentile(midStream, 99))}, max ${ms(Math.max(...midStream))}\n`,
    );
    expect(figures.max).toBeLessThan(MAX_CLOSE_MS);

    // The app's finally ran for every turn it started, and every started turn was persisted.
    await waitFor(() => counters.finally === counters.started, 5_000, "every finally to run");
    const saved = new Map<string, InteractionRecord>();
    await waitFor(
      () => {
        saved.clear();
        for (const line of readFileSync(store.path, "utf8").split("\n")) {
          if (!line) continue;
          const record = JSON.parse(line) as InteractionRecord;
          saved.set(record.conversationId, record);
        }
        return saved.size === counters.started;
      },
      5_000,
      "every started turn to be saved",
    );
    results.forEach((result, index) => {
      const record = saved.get(`storm-${index}`);
      // A client that left before its request was read never started a turn; every other one did.
      if (result.status === 0 && record === undefined) return;
      expect(record).toBeDefined();
      expect(record!.status).toBe("aborted");
      expect(record!.message).toBe(`client ${index}`);
      // What was saved is a prefix of what the upstream sent, and holds at least what the client saw.
      expect(FULL_ANSWER.startsWith(record!.response)).toBe(true);
      expect(record!.response.startsWith(result.text)).toBe(true);
    });
    // The store's own reader agrees.
    const sample = await store.getConversation("storm-0");
    expect(sample).toHaveLength(saved.has("storm-0") ? 1 : 0);

    // Nothing left: connections, tracked turns, timers and sockets (unref'd included), crashes, the key.
    await upstream.waitForNoConnections(5_000);
    await waitFor(() => chat.openConnections === 0, 5_000, "every chat connection to close");
    expect(chat.activeTurns).toBe(0);
    expect(await handles.settle(mark, 5_000)).toEqual([]);
    expect(await settleActiveResources(baseline, 5_000)).toEqual([]);
    expect(crashes.problems).toEqual([]);
    expect(findSentinel(chat.rawLogs.join("\n") + readFileSync(store.path, "utf8"))).toBeUndefined();
  }, TIMEOUT_MS);
});
