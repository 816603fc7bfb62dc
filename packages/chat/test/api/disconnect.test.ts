import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type ChatFormat, LiteLLM } from "@ragbits/core";
import { OpenAIMockServer } from "@ragbits/core/testing";
import { type ChatContext, ChatInterface, type ChatResponse, JsonlHistoryStore, SqliteHistoryStore } from "../../src";
import { MemoryHistory } from "../helpers/memory-history";
import { parseSse, startApi, waitFor } from "../helpers/start-api";

describe("a client that disconnects mid-stream", () => {
  let upstream: OpenAIMockServer;
  beforeAll(async () => {
    upstream = await OpenAIMockServer.start();
  });
  afterAll(() => upstream.close());

  it("aborts context.signal, runs the app's finally, closes the model's upstream connection and saves the partial answer", async () => {
    const history = new MemoryHistory();
    const events: string[] = [];
    let signalAborted = false;
    // The tutorial's chat, written without passing any signal: the framework's abort scope covers it.
    class Tutorial extends ChatInterface {
      llm = new LiteLLM({ modelName: "gpt-4o-mini", apiKey: "sk-test-000000000000", baseUrl: upstream.url });
      override historyPersistence = history;
      async *chat(message: string, chatHistory: ChatFormat, context: ChatContext): AsyncGenerator<ChatResponse> {
        context.signal.addEventListener("abort", () => (signalAborted = true));
        try {
          for await (const chunk of this.llm.generateStreaming([...chatHistory, { role: "user", content: message }])) {
            yield this.createTextResponse(chunk);
          }
        } finally {
          events.push("finally");
        }
      }
    }
    upstream.enqueue({ text: Array.from({ length: 200 }, (_, index) => `w${index} `), chunkDelayMs: 15 });
    const server = await startApi(Tutorial);
    try {
      const controller = new AbortController();
      const response = await fetch(`${server.url}/api/chat`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ message: "long answer please" }), signal: controller.signal });
      const reader = response.body!.getReader();
      let raw = "";
      const decoder = new TextDecoder();
      while (!raw.includes("w3 ")) raw += decoder.decode((await reader.read()).value, { stream: true });
      controller.abort();
      const abortedAt = Date.now();
      await upstream.waitForClientAbort(2_000);
      // The upstream saw its connection closed promptly.
      expect(Date.now() - abortedAt).toBeLessThan(1_000);
      await waitFor(() => events.includes("finally") && history.records.length === 1, 2_000, "finally and persistence");
      expect(signalAborted).toBe(true);
      const [record] = history.records;
      expect(record!.status).toBe("aborted");
      expect(record!.response.startsWith("w0 w1 w2 w3 ")).toBe(true);
      expect(record!.response).not.toContain("w199");
      expect(parseSse(raw)[0]!.type).toBe("message_id");
    } finally {
      await server.close();
    }
  });

  it("stops a chat() that ignores the signal and awaits something slow, without waiting for it", async () => {
    const history = new MemoryHistory();
    let resumedAfterAbort = false;
    class Stubborn extends ChatInterface {
      override historyPersistence = history;
      async *chat(_message: string, _history: ChatFormat, context: ChatContext): AsyncGenerator<ChatResponse> {
        yield this.createTextResponse("first ");
        await new Promise((resolve) => setTimeout(resolve, 1_500));
        resumedAfterAbort = context.signal.aborted;
        yield this.createTextResponse("never sent");
      }
    }
    const server = await startApi(Stubborn);
    try {
      const controller = new AbortController();
      const response = await fetch(`${server.url}/api/chat`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ message: "hi" }), signal: controller.signal });
      const reader = response.body!.getReader();
      let raw = "";
      while (!raw.includes("first")) raw += new TextDecoder().decode((await reader.read()).value);
      controller.abort();
      // Saved at once, not after the app's 1.5 s wait.
      await waitFor(() => history.records.length === 1, 1_000, "the partial answer to be saved");
      expect(history.records[0]).toMatchObject({ status: "aborted", response: "first " });
      await waitFor(() => resumedAfterAbort, 3_000, "the app's wait to end");
    } finally {
      await server.close();
    }
  });

  it("saves completed and failed interactions too", async () => {
    const history = new MemoryHistory();
    class Flaky extends ChatInterface {
      override historyPersistence = history;
      async *chat(message: string): AsyncGenerator<ChatResponse> {
        yield this.createTextResponse(`answer to ${message}`);
        yield this.createReference("R", "r", null);
        if (message === "fail") throw new Error("boom");
      }
    }
    const server = await startApi(Flaky);
    try {
      await fetch(`${server.url}/api/chat`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ message: "ok", context: { conversation_id: "c1", state: {}, signature: (await import("../helpers/start-api")).TEST_SIGNER.sign({}) } }) }).then((r) => r.text());
      await fetch(`${server.url}/api/chat`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ message: "fail", context: { conversation_id: "c1" } }) }).then((r) => r.text());
      await waitFor(() => history.records.length === 2);
      const [ok, failed] = history.records;
      expect(ok).toMatchObject({ conversationId: "c1", message: "ok", response: "answer to ok", status: "completed", events: [{ type: "reference", content: { title: "R", content: "r", url: null } }] });
      expect(ok!.context).not.toHaveProperty("signature");
      expect(ok!.finishedAt).toBeGreaterThanOrEqual(ok!.startedAt);
      expect(failed).toMatchObject({ status: "error", error: "Error: boom", response: "answer to fail" });
      expect(failed!.events.at(-1)).toEqual({ type: "error", content: { message: expect.any(String) } });
    } finally {
      await server.close();
    }
  });
});

describe.each([
  ["JSONL file", (dir: string) => new JsonlHistoryStore({ path: join(dir, "history.jsonl") })],
  ["SQLite", (dir: string) => new SqliteHistoryStore({ path: join(dir, "history.db") })],
])("the %s store", (_name, createStore) => {
  it("keeps the partial answer of a client that went away", async () => {
    const dir = mkdtempSync(join(tmpdir(), "ragbits-history-"));
    const store = createStore(dir);
    class Slow extends ChatInterface {
      override historyPersistence = store;
      async *chat(): AsyncGenerator<ChatResponse> {
        for (let index = 0; index < 100; index++) {
          yield this.createTextResponse(`part${index} `);
          await new Promise((resolve) => setTimeout(resolve, 10));
        }
      }
    }
    const server = await startApi(Slow);
    try {
      const controller = new AbortController();
      const response = await fetch(`${server.url}/api/chat`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ message: "go", context: { conversation_id: "conv-1" } }), signal: controller.signal });
      const reader = response.body!.getReader();
      let raw = "";
      while (!raw.includes("part2 ")) raw += new TextDecoder().decode((await reader.read()).value);
      controller.abort();
      let saved: Awaited<ReturnType<typeof store.getConversation>> = [];
      const deadline = Date.now() + 2_000;
      while (saved.length === 0 && Date.now() < deadline) {
        saved = await store.getConversation("conv-1");
        if (saved.length === 0) await new Promise((resolve) => setTimeout(resolve, 20));
      }
      expect(saved).toHaveLength(1);
      expect(saved[0]).toMatchObject({ status: "aborted", message: "go", conversationId: "conv-1" });
      expect(saved[0]!.response.startsWith("part0 part1 part2 ")).toBe(true);
      expect(saved[0]!.response).not.toContain("part99");
    } finally {
      await server.close();
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
