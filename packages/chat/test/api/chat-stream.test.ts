import { createServer } from "node:net";
import { type ChatFormat } from "@ragbits/core";
import { type ChatContext, ChatInterface, type ChatResponse } from "../../src";
import { parseSse, postChat, startApi, waitFor } from "../helpers/start-api";

class Showcase extends ChatInterface {
  async *chat(message: string): AsyncGenerator<ChatResponse> {
    yield this.createTextResponse(`Echo: ${message}`);
    yield this.createReference("Doc", "Some content", "https://example.com/doc");
    yield this.createLiveUpdate("u1", "START", "Searching", "in the docs");
    yield this.createLiveUpdate("u1", "FINISH", "Searched");
    yield this.createFollowupMessages(["Tell me more"]);
    yield this.createPlanItemResponse({ id: "t1", description: "Look up", status: "completed", result: "found" });
    yield this.createConfirmationRequest({ confirmationId: "c1", toolName: "delete", toolDescription: "Deletes", arguments: { id: 1 } });
    yield this.createUsageResponse({ promptTokens: 3, completionTokens: 2, totalTokens: 5 }, "gpt-4o-mini");
    yield this.createCustomResponse("weather_card", { city: "Paris", tempC: 21 });
    yield this.createImageResponse("https://example.com/cat.png", "img1");
    yield this.createClearMessageResponse();
    yield this.createErrorResponse("A handled problem");
  }
}

describe("POST /api/chat streaming", () => {
  it("sends SSE headers, the framework's events first, then every response in order, one JSON line each", async () => {
    const server = await startApi(Showcase);
    try {
      const result = await postChat(server.url, { message: "Hello there dear world" });
      expect(result.status).toBe(200);
      expect(result.headers.get("content-type")).toBe("text/event-stream; charset=utf-8");
      expect(result.headers.get("cache-control")).toBe("no-cache, no-transform");
      expect(result.headers.get("x-accel-buffering")).toBe("no");
      const [messageId, conversationId, summary, ...rest] = result.events;
      expect(messageId).toEqual({ type: "message_id", content: { message_id: expect.stringMatching(/^[0-9a-f-]{36}$/) } });
      expect(conversationId).toEqual({ type: "conversation_id", content: { conversation_id: expect.stringMatching(/^[0-9a-f-]{36}$/) } });
      expect(summary).toEqual({ type: "conversation_summary", content: { summary: "Hello there dear world" } });
      expect(rest).toEqual([
        { type: "text", content: { text: "Echo: Hello there dear world" } },
        { type: "reference", content: { title: "Doc", content: "Some content", url: "https://example.com/doc" } },
        { type: "live_update", content: { update_id: "u1", type: "START", content: { label: "Searching", description: "in the docs" } } },
        { type: "live_update", content: { update_id: "u1", type: "FINISH", content: { label: "Searched", description: null } } },
        { type: "followup_messages", content: { messages: ["Tell me more"] } },
        { type: "plan_item", content: { task: { id: "t1", description: "Look up", status: "completed", result: "found" } } },
        { type: "confirmation_request", content: { confirmation_request: { confirmation_id: "c1", tool_name: "delete", tool_description: "Deletes", arguments: { id: 1 } } } },
        { type: "usage", content: { usage: { "gpt-4o-mini": { n_requests: 1, estimated_cost: 0, prompt_tokens: 3, completion_tokens: 2, total_tokens: 5 } } } },
        { type: "weather_card", content: { city: "Paris", tempC: 21 } },
        { type: "image", content: { id: "img1", url: "https://example.com/cat.png" } },
        { type: "clear_message", content: {} },
        { type: "error", content: { message: "A handled problem" } },
      ]);
      // Every event is its `id:` line (1, 2, 3… within the turn), exactly one `data:` line, and a blank line.
      expect(result.raw.split("\n\n").filter(Boolean).every((frame, index) => frame.startsWith(`id: ${index + 1}\ndata: `) && frame.split("\n").length === 2)).toBe(true);
    } finally {
      await server.close();
    }
  });

  it("reuses the ids the client sent and names only new conversations", async () => {
    const server = await startApi(Showcase);
    try {
      const result = await postChat(server.url, { message: "hi", context: { message_id: "m-1", conversation_id: "c-1" } });
      expect(result.events.map((event) => event.type)).not.toContain("message_id");
      expect(result.events.map((event) => event.type)).not.toContain("conversation_id");
      expect(result.events.map((event) => event.type)).not.toContain("conversation_summary");
      const fresh = await postChat(server.url, { message: "hi" });
      expect(fresh.events[2]).toEqual({ type: "conversation_summary", content: { summary: "New chat" } });
    } finally {
      await server.close();
    }
  });

  it("passes message, history and context to chat()", async () => {
    let seen: { message: string; history: ChatFormat; context: ChatContext } | undefined;
    class Recorder extends ChatInterface {
      async *chat(message: string, history: ChatFormat, context: ChatContext): AsyncGenerator<ChatResponse> {
        seen = { message, history, context };
        yield this.createTextResponse("ok");
      }
    }
    const server = await startApi(Recorder);
    try {
      await postChat(server.url, {
        message: "third",
        history: [
          { role: "user", content: "first", extra: { id: 1 } },
          { role: "assistant", content: "second" },
        ],
        context: { conversation_id: "c-9", timezone: "Europe/Warsaw", user_settings: { language: "pl" }, tool_confirmations: [{ confirmation_id: "x", confirmed: true }], app_flag: 1, user: { user_id: "admin" }, session_id: "stolen" },
      });
      expect(seen!.message).toBe("third");
      expect(seen!.history).toEqual([
        { role: "user", content: "first" },
        { role: "assistant", content: "second" },
      ]);
      expect(seen!.context).toMatchObject({ conversationId: "c-9", timezone: "Europe/Warsaw", userSettings: { language: "pl" }, toolConfirmations: [{ confirmation_id: "x", confirmed: true }], state: {}, extra: { app_flag: 1 } });
      expect(seen!.context.messageId).toMatch(/^[0-9a-f-]{36}$/);
      // Without auth, a client cannot claim a user or a session.
      expect(seen!.context.user).toBeUndefined();
      expect(seen!.context.sessionId).toBeUndefined();
      expect(seen!.context.extra).not.toHaveProperty("user");
      expect(seen!.context.signal.aborted).toBe(false);
    } finally {
      await server.close();
    }
  });

  it("sends a data: image as chunked_content pieces of 102,400 characters", async () => {
    const payload = "A".repeat(250_000);
    class Picture extends ChatInterface {
      async *chat(): AsyncGenerator<ChatResponse> {
        yield this.createImageResponse(`data:image/png;base64,${payload}`, "pic");
      }
    }
    const server = await startApi(Picture);
    try {
      const pieces = (await postChat(server.url, { message: "draw" })).events.filter((event) => event.type === "chunked_content");
      expect(pieces.map((piece) => [piece.content.chunk_index, piece.content.total_chunks, piece.content.data.length])).toEqual([
        [0, 3, 102_400],
        [1, 3, 102_400],
        [2, 3, 45_200],
      ]);
      expect(pieces[0]!.content).toMatchObject({ id: "pic", content_type: "image", mime_type: "data:image/png;base64" });
      expect(pieces.map((piece) => piece.content.data).join("")).toBe(payload);
    } finally {
      await server.close();
    }
  });

  it("turns an exception in chat() into one error event and a clean end, logging the details", async () => {
    class Failing extends ChatInterface {
      async *chat(): AsyncGenerator<ChatResponse> {
        yield this.createTextResponse("partial ");
        throw new Error("database password=hunter2 unreachable");
      }
    }
    const server = await startApi(Failing);
    try {
      const result = await postChat(server.url, { message: "hi", context: { conversation_id: "c", message_id: "m" } });
      expect(result.status).toBe(200);
      expect(result.events).toEqual([
        { type: "text", content: { text: "partial " } },
        { type: "error", content: { message: "Something went wrong while generating the answer. Please try again." } },
      ]);
      expect(result.raw).not.toContain("hunter2");
      const logged = server.logs.find((line) => line.msg === "chat() failed");
      expect(logged?.err?.message).toContain("unreachable");
      expect(logged).toMatchObject({ level: 50, conversationId: "c", messageId: "m" });
      // The server is still fine.
      expect((await postChat(server.url, { message: "again" })).status).toBe(200);
    } finally {
      await server.close();
    }
  });

  it("shows the error's message in the event in debug mode", async () => {
    class Failing extends ChatInterface {
      // eslint-disable-next-line require-yield
      async *chat(): AsyncGenerator<ChatResponse> {
        throw new TypeError("cannot read x");
      }
    }
    const server = await startApi(Failing, { debugMode: true });
    try {
      const result = await postChat(server.url, { message: "hi" });
      expect(result.events.at(-1)).toEqual({ type: "error", content: { message: expect.stringContaining("TypeError: cannot read x") } });
    } finally {
      await server.close();
    }
  });

  it("flushes headers at once and sends keep-alive comments while chat() is silent", async () => {
    class Thinker extends ChatInterface {
      async *chat(): AsyncGenerator<ChatResponse> {
        await new Promise((resolve) => setTimeout(resolve, 400));
        yield this.createTextResponse("done");
      }
    }
    const server = await startApi(Thinker, { keepAliveMs: 50 });
    try {
      const started = Date.now();
      const response = await fetch(`${server.url}/api/chat`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ message: "hi", context: { conversation_id: "c", message_id: "m" } }) });
      // Headers arrived long before the first event.
      expect(Date.now() - started).toBeLessThan(350);
      const raw = await response.text();
      expect(raw.match(/^: keep-alive$/gm)?.length).toBeGreaterThanOrEqual(3);
      expect(parseSse(raw)).toEqual([{ type: "text", content: { text: "done" } }]);
    } finally {
      await server.close();
    }
  });

  it("waits for a slow client instead of buffering the whole answer", async () => {
    let produced = 0;
    const chunk = "x".repeat(64 * 1024);
    class Firehose extends ChatInterface {
      async *chat(): AsyncGenerator<ChatResponse> {
        for (let index = 0; index < 400; index++) {
          produced++;
          yield this.createTextResponse(chunk);
        }
      }
    }
    const server = await startApi(Firehose);
    const { port } = new URL(server.url);
    // A raw TCP client that sends the request, then reads nothing for a while.
    const { Socket } = await import("node:net");
    const socket = new Socket();
    try {
      await new Promise<void>((resolve) => socket.connect(Number(port), "127.0.0.1", resolve));
      socket.pause();
      const body = JSON.stringify({ message: "go", context: { conversation_id: "c", message_id: "m" } });
      socket.write(`POST /api/chat HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
      await waitFor(() => produced > 0, 2_000, "the first event");
      await new Promise((resolve) => setTimeout(resolve, 300));
      const whilePaused = produced;
      // 400 × 64 KB = 25 MB would be produced at once without backpressure; socket buffers hold a few MB at most.
      expect(whilePaused).toBeLessThan(150);
      let received = 0;
      socket.on("data", (data: Buffer) => (received += data.length));
      socket.resume();
      await waitFor(() => produced === 400 && received >= 400 * chunk.length, 10_000, "the rest of the answer");
    } finally {
      socket.destroy();
      await server.close();
    }
  });

  it("is unaffected by a connection that never sends its body", async () => {
    const server = await startApi(Showcase);
    const net = createServer();
    try {
      const { Socket } = await import("node:net");
      const idle = new Socket();
      await new Promise<void>((resolve) => idle.connect(Number(new URL(server.url).port), "127.0.0.1", resolve));
      idle.write("POST /api/chat HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{");
      expect((await postChat(server.url, { message: "still serving" })).status).toBe(200);
      idle.destroy();
    } finally {
      net.close();
      await server.close();
    }
  });
});
