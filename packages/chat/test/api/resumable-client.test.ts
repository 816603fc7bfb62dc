import { type ChatResponse } from "../../src";
import { type ReconnectEvent, RagbitsChatClient, RagbitsHTTPError, RagbitsNetworkError } from "../../src/client";
import { MemoryHistory } from "../helpers/memory-history";
import { cuttingFetch } from "../helpers/cutting-fetch";
import { type ScriptedServer, pause, serveScript } from "../helpers/scripted-chat";
import { waitFor } from "../helpers/start-api";

const WORDS = Array.from({ length: 60 }, (_, index) => `w${index} `);

/** WORDS, 10 ms apart, saved to a MemoryHistory. */
async function serveWords(options: Parameters<typeof serveScript>[1] = {}): Promise<ScriptedServer & { history: MemoryHistory }> {
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

function textOf(responses: ChatResponse[]): string {
  return responses.map((response) => (response.type === "text" ? response.content.text : "")).join("");
}

describe("@ragbits/chat/client and resumable turns", () => {
  it("resumes a dropped connection by itself and tells onReconnect, which sees the last event id", async () => {
    const server = await serveWords();
    try {
      const cutting = cuttingFetch([{ afterBytes: 900, how: "error" }]);
      const reconnects: ReconnectEvent[] = [];
      const client = new RagbitsChatClient({ baseUrl: server.url, fetch: cutting.fetch, resume: { initialDelayMs: 5, onReconnect: (event) => reconnects.push(event) } });
      const result = await client.run("count");
      expect(result.text).toBe(WORDS.join(""));
      expect(reconnects).toHaveLength(1);
      expect(reconnects[0]).toMatchObject({ attempt: 1, messageId: result.messageId, lastEventId: expect.stringMatching(/^\d+$/) });
      expect(cutting.requests.map((request) => request.method)).toEqual(["POST", "GET"]);
      expect(cutting.requests[1]!.headers.get("last-event-id")).toBe(reconnects[0]!.lastEventId);
      await waitFor(() => server.history.records.length === 1, 2_000, "the turn to be saved");
      expect(server.history.records[0]).toMatchObject({ status: "completed", response: WORDS.join("") });
    } finally {
      await server.close();
    }
  });

  it("stopping (breaking out of the loop) calls the stop endpoint: the server stops at once, not after the grace period", async () => {
    const server = await serveWords({ resumeGraceMs: 60_000 });
    try {
      const cutting = cuttingFetch([]);
      const client = new RagbitsChatClient({ baseUrl: server.url, fetch: cutting.fetch });
      const seen: ChatResponse[] = [];
      for await (const response of client.runStreaming("count")) {
        seen.push(response);
        if (textOf(seen).includes("w3 ")) break;
      }
      // The break returns once the server confirmed the stop (and saved the turn).
      expect(cutting.requests.map((request) => `${request.method} ${request.path.replace(/[0-9a-f-]{36}/, ":id")}`)).toEqual(["POST /api/chat", "POST /api/chat/:id/stop"]);
      expect(server.history.records).toHaveLength(1);
      expect(server.history.records[0]!.status).toBe("aborted");
      expect(server.history.records[0]!.response).not.toContain("w59");
    } finally {
      await server.close();
    }
  });

  it("aborting the caller's signal stops the turn on the server too", async () => {
    const server = await serveWords({ resumeGraceMs: 60_000 });
    try {
      const client = new RagbitsChatClient({ baseUrl: server.url });
      const controller = new AbortController();
      const run = client.run("count", { signal: controller.signal });
      await waitFor(() => server.chat.turns.length === 1, 2_000, "the turn to start");
      await pause(50);
      controller.abort();
      await expect(run).rejects.toMatchObject({ name: "RagbitsAbortError" });
      await waitFor(() => server.history.records.length === 1, 1_000, "the stopped turn to be saved");
      expect(server.history.records[0]!.status).toBe("aborted");
    } finally {
      await server.close();
    }
  });

  it("with resume: false, a dropped connection is a network error and stops the turn (disconnect = stop)", async () => {
    const server = await serveWords({ resumeGraceMs: 60_000 });
    try {
      const cutting = cuttingFetch([{ afterBytes: 900, how: "error" }]);
      const client = new RagbitsChatClient({ baseUrl: server.url, fetch: cutting.fetch, resume: false });
      await expect(client.run("count")).rejects.toBeInstanceOf(RagbitsNetworkError);
      expect(cutting.requests[0]!.headers.get("x-ragbits-resumable")).toBeNull();
      await waitFor(() => server.history.records.length === 1, 2_000, "the aborted turn to be saved");
      expect(server.history.records[0]!.status).toBe("aborted");
    } finally {
      await server.close();
    }
  });

  it("gives up with the server's 404 when the turn can no longer be resumed", async () => {
    // No grace and no retention: the turn is stopped and forgotten as soon as its connection drops.
    const server = await serveWords({ resumeGraceMs: 0, resumableTurns: { retentionMs: 0 } });
    try {
      const cutting = cuttingFetch([{ afterBytes: 900, how: "close" }]);
      const client = new RagbitsChatClient({ baseUrl: server.url, fetch: cutting.fetch, resume: { initialDelayMs: 300 } });
      const failure = await client.run("count").catch((error: unknown) => error);
      expect(RagbitsHTTPError.isInstance(failure)).toBe(true);
      expect(failure).toMatchObject({ status: 404, message: expect.stringContaining("No resumable answer with this id") });
      expect(cutting.requests.map((request) => request.method)).toEqual(["POST", "GET"]);
    } finally {
      await server.close();
    }
  });

  it("a late re-attach to a turn stopped for want of a listener gets its partial answer and an error event, not a silently short answer", async () => {
    const server = await serveWords({ resumeGraceMs: 50 });
    try {
      const cutting = cuttingFetch([{ afterBytes: 900, how: "error" }]);
      const client = new RagbitsChatClient({ baseUrl: server.url, fetch: cutting.fetch, resume: { initialDelayMs: 400, maxDelayMs: 400 } });
      const result = await client.run("count");
      expect(result.text.startsWith("w0 w1 ")).toBe(true);
      expect(result.text).not.toContain("w59");
      expect(result.errors).toEqual(["The answer was stopped because the connection to it was lost for too long. Please ask again."]);
      expect(server.history.records[0]!.status).toBe("aborted");
    } finally {
      await server.close();
    }
  });
});
