/**
 * Health for load balancers: /api/health (liveness) and /api/ready (readiness), and a graceful
 * shutdown that reports not-ready, refuses new work, lets running answers finish within the grace
 * period and cuts the rest with an `error` event. Runs on both adapters.
 */
import { ChatInterface, type ChatResponse } from "../../src";
import { notReadyReason } from "../../src/stores/readiness";
import { MemoryStores } from "../../src/stores/memory/memory-stores";
import { MemoryHistory } from "../helpers/memory-history";
import { postChat, startApi, type StartedApi } from "../helpers/start-api";

const WORDS = 10;
const WORD_MS = 100;

/** Answers in WORDS words, one every WORD_MS: about a second per answer. */
class SlowChat extends ChatInterface {
  override historyPersistence = new MemoryHistory();
  async *chat(message: string): AsyncGenerator<ChatResponse> {
    for (let i = 0; i < WORDS; i++) {
      await new Promise((resolve) => setTimeout(resolve, WORD_MS));
      yield this.createTextResponse(`${message}${i} `);
    }
  }
}

const FULL_ANSWER = Array.from({ length: WORDS }, (_, i) => `w${i} `).join("");

async function apiGet(server: StartedApi, path: string): Promise<{ status: number; body: any; headers: Headers }> {
  // Through the API object itself: once shutdown began, the listening socket may already be closed.
  const response = await server.api.fetch(new Request(`http://replica${path}`));
  return { status: response.status, body: await response.json(), headers: response.headers };
}

describe("GET /api/health and /api/ready", () => {
  let server: StartedApi;
  beforeAll(async () => {
    server = await startApi(SlowChat);
  });
  afterAll(() => server.close());

  it("health: 200 {status: ok}, never cached", async () => {
    const response = await fetch(`${server.url}/api/health`);
    expect(response.status).toBe(200);
    expect(response.headers.get("cache-control")).toBe("no-store");
    expect(await response.json()).toEqual({ status: "ok" });
  });

  it("ready: 200 {status: ready} when the stores answer", async () => {
    const response = await fetch(`${server.url}/api/ready`);
    expect(response.status).toBe(200);
    expect(response.headers.get("cache-control")).toBe("no-store");
    expect(await response.json()).toEqual({ status: "ready" });
  });
});

it("health answers at once while setup() is still running, and ready says 'starting'", async () => {
  let finishSetup!: () => void;
  class SlowSetup extends SlowChat {
    override setup(): Promise<void> {
      return new Promise((resolve) => (finishSetup = resolve));
    }
  }
  const chat = new SlowSetup();
  const { RagbitsAPI } = await import("../../src");
  const api = new RagbitsAPI(chat, { stateSigner: (await import("../helpers/start-api")).TEST_SIGNER });
  const health = await api.fetch(new Request("http://replica/api/health"));
  expect(health.status).toBe(200);
  expect(await notReadyReason({ shuttingDown: false, setup: () => api.setup(), stores: api.stores, history: null, timeoutMs: 100 })).toBe("starting");
  finishSetup();
  expect(await notReadyReason({ shuttingDown: false, setup: () => api.setup(), stores: api.stores, history: null, timeoutMs: 1_000 })).toBeUndefined();
  await api.close();
});

it("readiness names a store that fails, in words safe for anyone to read", async () => {
  const stores = new MemoryStores();
  stores.ping = async () => {
    throw Object.assign(new Error("connect ECONNREFUSED 10.1.2.3:5432"), {});
  };
  expect(await notReadyReason({ shuttingDown: false, setup: async () => undefined, stores, history: null })).toBe("a store failed");
  expect(await notReadyReason({ shuttingDown: true, setup: async () => undefined, stores, history: null })).toBe("shutting down");
  await stores.close();
});

describe("close({ graceMs })", () => {
  it("reports not-ready, refuses new work, and lets a running answer finish within the grace period", async () => {
    const server = await startApi(SlowChat);
    try {
      const streaming = postChat(server.url, { message: "w" });
      await waitForTurns(server, 1);
      const closing = server.api.close({ graceMs: 10_000 });
      expect(await apiGet(server, "/api/ready")).toMatchObject({ status: 503, body: { status: "not-ready", reason: "shutting down" } });
      // Alive while it finishes its work: liveness stays green.
      expect(await apiGet(server, "/api/health")).toMatchObject({ status: 200, body: { status: "ok" } });
      const refused = await server.api.fetch(new Request("http://replica/api/chat", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ message: "late" }) }));
      expect(refused.status).toBe(503);
      expect(refused.headers.get("retry-after")).toBe("1");
      expect(await refused.json()).toEqual({ detail: "The server is shutting down; please try again." });

      const answer = await streaming;
      expect(answer.status).toBe(200);
      expect(answer.events.filter((event) => event.type === "text").map((event) => event.content.text).join("")).toBe(FULL_ANSWER);
      expect(answer.events.filter((event) => event.type === "error")).toEqual([]);
      await closing;
      expect((server.api.chat.historyPersistence as MemoryHistory).records.map((record) => record.status)).toEqual(["completed"]);
    } finally {
      await server.close();
    }
  });

  it("cuts an answer still running when the grace period ends, with the shutdown error event, and saves it as aborted", async () => {
    const server = await startApi(SlowChat);
    try {
      const streaming = postChat(server.url, { message: "w" });
      await waitForTurns(server, 1);
      const started = Date.now();
      await server.api.close({ graceMs: 300 });
      const closeMs = Date.now() - started;
      const answer = await streaming;
      expect(closeMs).toBeGreaterThanOrEqual(290);
      expect(closeMs).toBeLessThan(2_500);
      const text = answer.events.filter((event) => event.type === "text").map((event) => event.content.text).join("");
      expect(text.length).toBeGreaterThan(0);
      expect(FULL_ANSWER.startsWith(text) && text !== FULL_ANSWER).toBe(true);
      expect(answer.events.at(-1)).toEqual({ type: "error", content: { message: "The server is shutting down; the answer was cut short. Please try again." } });
      expect((server.api.chat.historyPersistence as MemoryHistory).records.map((record) => record.status)).toEqual(["aborted"]);
    } finally {
      await server.close();
    }
  });
});

async function waitForTurns(server: StartedApi, count: number): Promise<void> {
  const turns = (server.api as unknown as { context: { activeTurns: Set<unknown> } }).context.activeTurns;
  const deadline = Date.now() + 5_000;
  while (turns.size < count) {
    if (Date.now() > deadline) throw new Error(`no ${count} streaming turn(s) within 5 s`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
