import "fake-indexeddb/auto";
import { ApiError } from "../api/api-error";
import type { ChatMessageRequest } from "@ragbits/chat/client";
import { type ApiClient } from "../api/api-client";
import { IndexedDbRepository } from "../storage/indexed-db-repository";
import { PAGE_SIZE, ServerConversationRepository } from "../storage/server-conversation-repository";
import { bodyOf, controllableBody, eventStreamResponse, settle, sse } from "../test-support/sse-body";
import { ChatController, type ChatControllerDeps } from "./chat-controller";

type Script = (request: ChatMessageRequest, signal: AbortSignal) => Promise<Response>;

/** A controller whose server is a list of scripted answers; records every request it sent. */
function setup(scripts: Script[], extra: Partial<ChatControllerDeps> = {}) {
  const requests: ChatMessageRequest[] = [];
  const signals: AbortSignal[] = [];
  const frames: (() => void)[] = [];
  let n = 0;
  const controller = new ChatController({
    startChat: (request, signal) => {
      requests.push(structuredClone(request));
      signals.push(signal);
      const script = scripts[n++];
      if (!script) throw new Error("unexpected request");
      return script(request, signal);
    },
    repository: null,
    scheduleFrame: (cb) => frames.push(cb),
    timezone: () => "UTC",
    keepDebugLog: true,
    ...extra,
  });
  const runFrames = () => {
    while (frames.length) frames.shift()!();
  };
  return { controller, requests, signals, frames, runFrames };
}

const answer = (...events: object[]): Script => async () => eventStreamResponse(bodyOf([sse(events)]));
const text = (t: string) => ({ type: "text", content: { text: t } });
const last = (c: ChatController) => c.getSnapshot().conversation.messages.at(-1)!;

describe("ChatController", () => {
  it("streams an answer into the conversation and ends it as done", async () => {
    const { controller, requests } = setup([answer({ type: "message_id", content: { message_id: "m1" } }, text("Hello "), text("**world**"))]);
    await controller.send("Hi");
    const { conversation, streamingId } = controller.getSnapshot();
    expect(streamingId).toBeNull();
    expect(conversation.messages.map((m) => [m.role, m.content])).toEqual([
      ["user", "Hi"],
      ["assistant", "Hello **world**"],
    ]);
    expect(last(controller)).toMatchObject({ status: "done", serverId: "m1" });
    expect(requests[0]).toEqual({ message: "Hi", history: [], context: { timezone: "UTC" } });
  });

  it("applies the events of one animation frame in a single update", async () => {
    const body = controllableBody();
    const { controller, frames, runFrames } = setup([async () => eventStreamResponse(body.stream)]);
    const updates: number[] = [];
    controller.subscribe(() => updates.push(1));
    const done = controller.send("Q");
    await settle();
    const afterStart = updates.length;
    body.push(sse([text("a"), text("b"), text("c")]));
    body.push(sse([text("d")]));
    await settle();
    expect(frames).toHaveLength(1);
    expect(last(controller).content).toBe("");
    runFrames();
    expect(updates.length - afterStart).toBe(1);
    expect(last(controller).content).toBe("abcd");
    body.end();
    await done;
  });

  it("sends the signed state, conversation id and history back with the next message", async () => {
    const { controller, requests } = setup([
      answer(
        { type: "message_id", content: { message_id: "m1" } },
        { type: "conversation_id", content: { conversation_id: "conv-9" } },
        text("First answer"),
        { type: "state_update", content: { state: { count: 1 }, signature: "c2lnMQ==" } },
      ),
      answer(text("Second answer"), { type: "state_update", content: { state: { count: 2 }, signature: "c2lnMg==" } }),
      answer(text("Third")),
    ]);
    await controller.send("One");
    await controller.send("Two");
    await controller.send("Three");
    expect(requests[1]).toEqual({
      message: "Two",
      history: [
        { role: "user", content: "One" },
        { role: "assistant", content: "First answer" },
      ],
      context: { conversation_id: "conv-9", state: { count: 1 }, signature: "c2lnMQ==", timezone: "UTC" },
    });
    expect(requests[2]!.context).toMatchObject({ conversation_id: "conv-9", state: { count: 2 }, signature: "c2lnMg==" });
    expect(requests[2]!.history).toHaveLength(4);
  });

  it("stop aborts the request and keeps the partial answer, including events not yet rendered", async () => {
    let body!: ReturnType<typeof controllableBody>;
    const { controller, signals, runFrames } = setup([
      async (_r, signal) => {
        body = controllableBody(signal);
        return eventStreamResponse(body.stream);
      },
    ]);
    const done = controller.send("Long story please");
    await settle();
    body.push(sse([text("Once upon ")]));
    await settle();
    runFrames();
    body.push(sse([text("a time")]));
    await settle();
    controller.stop();
    expect(signals[0]!.aborted).toBe(true);
    expect(controller.getSnapshot().streamingId).toBeNull();
    expect(last(controller)).toMatchObject({ content: "Once upon a time", status: "stopped" });
    await done;
    // Nothing that arrives after the stop changes the answer.
    expect(last(controller)).toMatchObject({ content: "Once upon a time", status: "stopped" });
    expect(controller.isStreaming).toBe(false);
  });

  it("regenerate replaces the last answer by asking the same question with the same history", async () => {
    const { controller, requests } = setup([answer(text("A1")), answer(text("B1")), answer(text("B2"))]);
    await controller.send("first");
    await controller.send("second");
    await controller.regenerate(last(controller).id);
    expect(controller.getSnapshot().conversation.messages.map((m) => m.content)).toEqual(["first", "A1", "second", "B2"]);
    expect(requests[2]).toEqual({ ...requests[1], context: requests[1]!.context });
  });

  it("edit and resend drops everything after the edited message", async () => {
    const { controller, requests } = setup([answer(text("A1")), answer(text("B1")), answer(text("A1 again"))]);
    await controller.send("first");
    await controller.send("second");
    const firstUser = controller.getSnapshot().conversation.messages[0]!;
    await controller.editAndResend(firstUser.id, "first, edited");
    expect(controller.getSnapshot().conversation.messages.map((m) => m.content)).toEqual(["first, edited", "A1 again"]);
    expect(requests[2]).toMatchObject({ message: "first, edited", history: [] });
  });

  it("marks an answer with an error event as failed, and retry asks again", async () => {
    const { controller } = setup([answer(text("par"), { type: "error", content: { message: "The model failed" } }), answer(text("ok now"))]);
    await controller.send("q");
    expect(last(controller)).toMatchObject({ content: "par", status: "error", error: "The model failed" });
    await controller.regenerate(last(controller).id);
    expect(last(controller)).toMatchObject({ content: "ok now", status: "done" });
    expect(last(controller).error).toBeUndefined();
  });

  it("shows HTTP errors on the message; 401 asks for sign-in", async () => {
    const onAuthRequired = jest.fn();
    const { controller } = setup([() => Promise.reject(new ApiError(401, "Authentication required"))], { onAuthRequired });
    await controller.send("q");
    expect(onAuthRequired).toHaveBeenCalledTimes(1);
    expect(last(controller)).toMatchObject({ status: "error", error: "Authentication required" });
  });

  it("drops a state the server no longer accepts, so retrying works", async () => {
    const { controller, requests } = setup([
      answer(text("a"), { type: "state_update", content: { state: { s: 1 }, signature: "old" } }),
      () => Promise.reject(new ApiError(400, "Invalid state signature")),
      answer(text("b")),
    ]);
    await controller.send("one");
    await controller.send("two");
    expect(last(controller).error).toMatch(/Invalid state signature/);
    expect(controller.getSnapshot().conversation.state).toBeUndefined();
    await controller.regenerate(last(controller).id);
    expect(requests[2]!.context.state).toBeUndefined();
    expect(last(controller)).toMatchObject({ content: "b", status: "done" });
  });

  it("reports a connection lost mid-stream and keeps the text", async () => {
    // First read delivers text, the second fails as a dropped connection does.
    let pulls = 0;
    const broken = new ReadableStream<Uint8Array>({
      pull(c) {
        if (pulls++ === 0) c.enqueue(new TextEncoder().encode(sse([text("half an ans")])));
        else c.error(new TypeError("network error"));
      },
    });
    const { controller } = setup([async () => eventStreamResponse(broken)]);
    await controller.send("q");
    expect(last(controller)).toMatchObject({ content: "half an ans", status: "error", error: "The connection to the server was lost." });
  });

  it("shows an image sent in pieces once its last piece arrives, whatever their order", async () => {
    const body = controllableBody();
    const { controller, runFrames } = setup([async () => eventStreamResponse(body.stream)]);
    const piece = (chunk_index: number, data: string) => ({ type: "chunked_content", content: { id: "img", content_type: "image", chunk_index, total_chunks: 3, mime_type: "data:image/png;base64", data } });
    const done = controller.send("draw");
    await settle();
    body.push(sse([piece(2, "CC"), piece(0, "AA")]));
    await settle();
    runFrames();
    expect(last(controller).images).toBeUndefined();
    body.push(sse([piece(1, "BB")]));
    body.end();
    await done;
    expect(last(controller)).toMatchObject({ status: "done", images: [{ id: "img", url: "data:image/png;base64,AABBCC" }] });
  });

  it("shows no partial image when the answer is stopped mid-image", async () => {
    let body!: ReturnType<typeof controllableBody>;
    const { controller, runFrames } = setup([
      async (_r, signal) => {
        body = controllableBody(signal);
        return eventStreamResponse(body.stream);
      },
    ]);
    const done = controller.send("draw");
    await settle();
    body.push(sse([text("partial"), { type: "chunked_content", content: { id: "i", content_type: "image", chunk_index: 0, total_chunks: 2, mime_type: "data:image/png;base64", data: "AA" } }]));
    await settle();
    runFrames();
    controller.stop();
    await done;
    expect(last(controller)).toMatchObject({ content: "partial", status: "stopped" });
    expect(last(controller).images).toBeUndefined();
    expect(last(controller).error).toBeUndefined();
  });

  it("reports an image the stream left incomplete, and keeps the text", async () => {
    const { controller } = setup([answer(text("Here: "), { type: "chunked_content", content: { id: "i", content_type: "image", chunk_index: 0, total_chunks: 2, mime_type: "data:image/png;base64", data: "AA" } })]);
    await controller.send("draw");
    expect(last(controller)).toMatchObject({ content: "Here: ", status: "error", error: 'The server\'s answer could not be read: The stream ended before image "i" was complete (1 of 2 pieces)' });
    expect(last(controller).images).toBeUndefined();
  });

  it("ends the answer with an error at an event that breaks the protocol, keeping what arrived", async () => {
    const wire = `${sse([text("fine so far")])}data: not json\n\n${sse([text(" never shown")])}`;
    const { controller } = setup([async () => eventStreamResponse(bodyOf([wire]))]);
    await controller.send("q");
    expect(last(controller)).toMatchObject({ content: "fine so far", status: "error" });
    expect(last(controller).error).toMatch(/^The server's answer could not be read: Malformed event: the data line is not JSON/);
  });

  it("reads the bare-value events of older Ragbits servers", async () => {
    const { controller } = setup([
      answer(
        { type: "message_id", content: "old-id" },
        { type: "conversation_id", content: "old-conv" },
        { type: "text", content: "plain " },
        { type: "text", content: "string" },
        { type: "followup_messages", content: ["Next?"] },
      ),
    ]);
    await controller.send("q");
    expect(last(controller)).toMatchObject({ serverId: "old-id", content: "plain string", followups: ["Next?"], status: "done" });
    expect(controller.getSnapshot().conversation.serverConversationId).toBe("old-conv");
  });

  it("keeps the raw events and the request context for the debug panel", async () => {
    const { controller } = setup([answer(text("x"), { type: "my_event", content: { a: 1 } })]);
    await controller.send("q");
    const { debug } = controller.getSnapshot();
    expect(debug.request?.context).toEqual({ timezone: "UTC" });
    expect(debug.events.map((e) => e.event)).toEqual([text("x"), { type: "my_event", content: { a: 1 } }]);
  });

  it("records feedback on the message", async () => {
    const { controller } = setup([answer({ type: "message_id", content: { message_id: "m" } }, text("x"))]);
    await controller.send("q");
    controller.setFeedback(last(controller).id, "like");
    expect(last(controller).feedback).toBe("like");
  });

  it("answers a tool confirmation with a new turn carrying the decision", async () => {
    const request = { confirmation_id: "c1", tool_name: "delete_files", tool_description: "", arguments: {} };
    const { controller, requests } = setup([answer({ type: "confirmation_request", content: { confirmation_request: request } }), answer(text("Deleted."))]);
    await controller.send("clean up");
    const asking = last(controller);
    await controller.decideConfirmation(asking.id, "c1", true);
    expect(requests[1]).toMatchObject({ message: "Confirmed: delete_files", context: { tool_confirmations: [{ confirmation_id: "c1", confirmed: true }] } });
    expect(controller.getSnapshot().conversation.messages.find((m) => m.id === asking.id)!.confirmationDecisions).toEqual({ c1: "confirmed" });
  });
});

describe("ChatController with conversation history", () => {
  it("saves conversations so a new page (a new controller) can reopen them", async () => {
    const repository = new IndexedDbRepository(`test-${Math.random()}`);
    let active: string | null = null;
    const page1 = setup(
      [answer({ type: "conversation_id", content: { conversation_id: "srv-c" } }, { type: "conversation_summary", content: { summary: "Weather in Paris" } }, text("Sunny."), { type: "state_update", content: { state: { k: 1 }, signature: "s" } })],
      { repository, rememberActive: (id) => (active = id) },
    );
    await page1.controller.send("What is the weather in Paris?");
    await settle();
    const saved = page1.controller.getSnapshot().conversation;
    expect(active).toBe(saved.id);

    const page2 = setup([answer(text("Still sunny."))], { repository });
    await page2.controller.refreshConversations();
    expect(page2.controller.getSnapshot().conversations).toEqual([{ id: saved.id, title: "Weather in Paris", updatedAt: saved.updatedAt }]);
    expect(await page2.controller.openConversation(active!)).toBe(true);
    expect(page2.controller.getSnapshot().conversation.messages.map((m) => m.content)).toEqual(["What is the weather in Paris?", "Sunny."]);
    await page2.controller.send("And tomorrow?");
    expect(page2.requests[0]!.context).toMatchObject({ conversation_id: "srv-c", state: { k: 1 }, signature: "s" });
  });

  it("renames and deletes stored conversations", async () => {
    const repository = new IndexedDbRepository(`test-${Math.random()}`);
    const { controller } = setup([answer(text("a")), answer(text("b"))], { repository });
    await controller.send("one");
    const first = controller.getSnapshot().conversation.id;
    controller.startNewConversation();
    await controller.send("two");
    await settle();
    await controller.renameConversation(first, "  Renamed  ");
    expect(controller.getSnapshot().conversations.map((c) => c.title).sort()).toEqual(["Renamed", "two"]);
    const current = controller.getSnapshot().conversation.id;
    await controller.deleteConversation(current);
    expect(controller.getSnapshot().conversation.messages).toEqual([]);
    expect(controller.getSnapshot().conversations.map((c) => c.id)).toEqual([first]);
  });

  it("names a new conversation after its first question until the server's summary arrives", async () => {
    const { controller } = setup([answer(text("a")), answer({ type: "conversation_summary", content: { summary: "Server title" } }, text("b"))]);
    await controller.send("  What is   the capital of France today?  ");
    expect(controller.getSnapshot().conversation.title).toBe("What is the capital of France…");
    controller.startNewConversation();
    await controller.send("Short one");
    expect(controller.getSnapshot().conversation.title).toBe("Server title");
  });

  it("shows an answer that was streaming when the page went away as stopped", async () => {
    const repository = new IndexedDbRepository(`test-${Math.random()}`);
    const body = controllableBody();
    const page1 = setup([async () => eventStreamResponse(body.stream)], { repository });
    void page1.controller.send("q");
    await settle();
    const id = page1.controller.getSnapshot().conversation.id;
    const page2 = setup([], { repository });
    await page2.controller.openConversation(id);
    expect(last(page2.controller)).toMatchObject({ role: "assistant", status: "stopped" });
    body.end();
  });
});

/**
 * A server that keeps conversations, as /api/conversations shows them: a chat turn records its
 * interaction when its answer has ended (as the real server does before the stream closes).
 */
function fakeServer() {
  const conversations = new Map<string, { id: string; title: string; updated_at: number; interactions: object[] }>();
  const calls: string[] = [];
  let clock = 100;
  let failWith: ApiError | null = null;
  const check = () => {
    if (failWith) throw failWith;
  };
  const api = {
    async conversations({ limit = 20, cursor = null }: { limit?: number; cursor?: string | null } = {}) {
      calls.push(`list ${cursor ?? ""}`);
      check();
      const all = [...conversations.values()].sort((a, b) => b.updated_at - a.updated_at);
      const start = cursor ? Number(cursor) : 0;
      const page = all.slice(start, start + limit).map(({ id, title, updated_at }) => ({ id, title, created_at: 1, updated_at, interaction_count: 1 }));
      return { conversations: page, next_cursor: start + limit < all.length ? String(start + limit) : null };
    },
    async conversation(id: string) {
      calls.push(`get ${id}`);
      check();
      const found = conversations.get(id);
      return found ? { ...found, created_at: 1, interaction_count: found.interactions.length } : null;
    },
    async deleteConversation(id: string) {
      calls.push(`delete ${id}`);
      check();
      conversations.delete(id);
    },
  };
  /** One recorded turn: what the server saved for `message` in `id`. */
  const record = (id: string, message: string, answerText: string) => {
    const existing = conversations.get(id);
    const interaction = { message_id: `m-${message}`, message, answer: answerText, events: [], status: "completed", error: null, started_at: clock, finished_at: clock, feedback: null };
    clock += 1;
    conversations.set(id, { id, title: existing?.title ?? message, updated_at: clock, interactions: [...(existing?.interactions ?? []), interaction] });
  };
  /** A chat answer from the server: announces the conversation (when new) and records the turn as the stream ends. */
  const turn =
    (id: string, answerText: string): Script =>
    async (request) => {
      const isNew = !request.context?.conversation_id;
      record(id, request.message, answerText);
      return eventStreamResponse(bodyOf([sse([{ type: "message_id", content: { message_id: `m-${request.message}` } }, ...(isNew ? [{ type: "conversation_id", content: { conversation_id: id } }] : []), text(answerText)])]));
    };
  return {
    repository: new ServerConversationRepository(api as unknown as ApiClient),
    conversations,
    calls,
    record,
    turn,
    failNext: (error: ApiError | null) => (failWith = error),
  };
}

describe("ChatController with conversations kept by the server", () => {
  it("lists the server's conversations after each answer, keyed by the server's ids, and saves nothing itself", async () => {
    const server = fakeServer();
    let active: string | null = null;
    const { controller } = setup([server.turn("srv-1", "Sunny.")], { repository: server.repository, rememberActive: (id) => (active = id) });
    expect(controller.keepsConversations).toBe(true);
    expect(controller.canRename).toBe(false);
    // A new conversation has no key until the server names it.
    expect(controller.keyOf(controller.getSnapshot().conversation)).toBeNull();
    await controller.send("Weather?");
    await settle();
    expect(controller.keyOf(controller.getSnapshot().conversation)).toBe("srv-1");
    expect(active).toBe("srv-1");
    expect(controller.getSnapshot().conversations).toEqual([{ id: "srv-1", title: "Weather?", updatedAt: expect.any(Number) }]);
    expect(server.calls).toEqual(["list "]);
  });

  it("opens a conversation another device had, and goes on with it in the same server conversation", async () => {
    const server = fakeServer();
    server.record("srv-2", "First question", "First answer");
    const { controller, requests } = setup([server.turn("srv-2", "Second answer")], { repository: server.repository });
    await controller.refreshConversations();
    expect(controller.getSnapshot().conversations.map((c) => c.id)).toEqual(["srv-2"]);
    expect(await controller.openConversation("srv-2")).toBe(true);
    expect(controller.getSnapshot().conversation.messages.map((m) => m.content)).toEqual(["First question", "First answer"]);
    await controller.send("Follow-up");
    expect(requests[0]).toMatchObject({ history: [{ role: "user", content: "First question" }, { role: "assistant", content: "First answer" }], context: { conversation_id: "srv-2" } });
    await settle();
    expect(server.conversations.get("srv-2")!.interactions).toHaveLength(2);
    expect(await controller.openConversation("deleted-elsewhere")).toBe(false);
  });

  it("deletes on the server; deleting the open conversation starts a new one; renaming is not offered", async () => {
    const server = fakeServer();
    const { controller } = setup([server.turn("srv-a", "a"), server.turn("srv-b", "b")], { repository: server.repository });
    await controller.send("one");
    controller.startNewConversation();
    await controller.send("two");
    await settle();
    await controller.renameConversation("srv-a", "Renamed");
    expect(controller.getSnapshot().conversations.map((c) => c.title)).toEqual(["two", "one"]);
    await controller.deleteConversation("srv-b");
    expect(controller.getSnapshot().conversation.messages).toEqual([]);
    expect([...server.conversations.keys()]).toEqual(["srv-a"]);
    expect(controller.getSnapshot().conversations.map((c) => c.id)).toEqual(["srv-a"]);
  });

  it("lists older conversations a page at a time", async () => {
    const server = fakeServer();
    for (let i = 0; i < PAGE_SIZE + 5; i++) server.record(`c${i}`, `question ${i}`, "answer");
    const { controller } = setup([], { repository: server.repository });
    await controller.refreshConversations();
    expect(controller.getSnapshot()).toMatchObject({ moreConversations: true });
    expect(controller.getSnapshot().conversations).toHaveLength(PAGE_SIZE);
    await controller.loadMoreConversations();
    expect(controller.getSnapshot().moreConversations).toBe(false);
    expect(controller.getSnapshot().conversations.map((c) => c.id)).toEqual(Array.from({ length: PAGE_SIZE + 5 }, (_, i) => `c${PAGE_SIZE + 4 - i}`));
  });

  it("reports a session that ended (401) and passes other failures on", async () => {
    const server = fakeServer();
    let signedOut = 0;
    const { controller } = setup([], { repository: server.repository, onAuthRequired: () => signedOut++ });
    server.failNext(new ApiError(401, "Not authenticated"));
    await expect(controller.refreshConversations()).rejects.toMatchObject({ status: 401 });
    expect(signedOut).toBe(1);
    server.failNext(new ApiError(503, "The database is unavailable; please try again shortly."));
    await expect(controller.openConversation("x")).rejects.toMatchObject({ status: 503 });
    expect(signedOut).toBe(1);
  });
});
