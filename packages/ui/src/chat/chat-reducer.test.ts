import type { ChatResponse } from "@ragbits/chat/client";
import { applyEvent, applyEvents, finishMessage } from "./chat-reducer";
import { type ChatMessage, type Conversation } from "./chat-types";

function conversationWithAnswer(): Conversation {
  const messages: ChatMessage[] = [
    { id: "u0", role: "user", content: "earlier", createdAt: 1 },
    { id: "a0", role: "assistant", content: "earlier answer", createdAt: 1, status: "done" },
    { id: "u1", role: "user", content: "question", createdAt: 2 },
    { id: "a1", role: "assistant", content: "", createdAt: 2, status: "streaming" },
  ];
  return { id: "c", title: "New chat", titleSource: "default", messages, createdAt: 1, updatedAt: 2 };
}

// Typed loosely on purpose: the reducer must also survive content the stream reader does not check.
const ev = (type: string, content: unknown) => ({ type, content }) as ChatResponse;
const answer = (c: Conversation) => c.messages.find((m) => m.id === "a1")!;

describe("applyEvent", () => {
  it("appends streamed text and leaves the other messages untouched (same objects)", () => {
    const before = conversationWithAnswer();
    const after = applyEvents(before, "a1", [ev("text", { text: "Hello" }), ev("text", { text: ", world" })]);
    expect(answer(after).content).toBe("Hello, world");
    for (const i of [0, 1, 2]) expect(after.messages[i]).toBe(before.messages[i]);
    expect(before.messages[3]!.content).toBe("");
  });

  it("returns the same conversation for events that change nothing", () => {
    const before = conversationWithAnswer();
    expect(applyEvent(before, "a1", { type: "custom", customType: "my_custom_event", content: { anything: 1 } })).toBe(before);
    expect(applyEvent(before, "a1", ev("text", { text: "" }))).toBe(before);
    expect(applyEvent(before, "missing", ev("text", { text: "x" }))).toBe(before);
  });

  it("records the server's message id, conversation id and summary", () => {
    const after = applyEvents(conversationWithAnswer(), "a1", [
      ev("message_id", { message_id: "srv-msg" }),
      ev("conversation_id", { conversation_id: "srv-conv" }),
      ev("conversation_summary", { summary: "Talking about tests" }),
    ]);
    expect(answer(after).serverId).toBe("srv-msg");
    expect(after.serverConversationId).toBe("srv-conv");
    expect(after).toMatchObject({ title: "Talking about tests", titleSource: "server" });
  });

  it("never lets the summary overwrite a title the user chose", () => {
    const renamed = { ...conversationWithAnswer(), title: "Mine", titleSource: "user" as const };
    expect(applyEvent(renamed, "a1", ev("conversation_summary", { summary: "Server's" })).title).toBe("Mine");
  });

  it("stores the signed state only together with its signature", () => {
    const c = conversationWithAnswer();
    const signed = applyEvent(c, "a1", ev("state_update", { state: { step: 2 }, signature: "sig==" }));
    expect(signed).toMatchObject({ state: { step: 2 }, signature: "sig==" });
    expect(applyEvent(c, "a1", ev("state_update", { state: { step: 2 } }))).toBe(c);
  });

  it("collects references, follow-ups and usage", () => {
    const usage = { "gpt-4o-mini": { n_requests: 1, estimated_cost: 0.001, prompt_tokens: 10, completion_tokens: 5, total_tokens: 15 } };
    const after = applyEvents(conversationWithAnswer(), "a1", [
      ev("reference", { title: "Doc A", content: "snippet", url: "https://a.example" }),
      ev("reference", { title: "Doc B", content: "other" }),
      ev("followup_messages", { messages: ["Tell me more", "", 42, "Why?"] }),
      ev("usage", { usage }),
    ]);
    expect(answer(after).references).toEqual([
      { title: "Doc A", content: "snippet", url: "https://a.example" },
      { title: "Doc B", content: "other", url: null },
    ]);
    expect(answer(after).followups).toEqual(["Tell me more", "Why?"]);
    expect(answer(after).usage).toEqual(usage);
  });

  it("updates live updates and plan items in place by id", () => {
    const after = applyEvents(conversationWithAnswer(), "a1", [
      ev("live_update", { update_id: "s", type: "START", content: { label: "Searching", description: null } }),
      ev("live_update", { update_id: "r", type: "START", content: { label: "Reading", description: "3 docs" } }),
      ev("live_update", { update_id: "s", type: "FINISH", content: { label: "Searched", description: "found 3" } }),
      ev("plan_item", { task: { id: "t1", description: "Find", status: "in_progress", result: null } }),
      ev("plan_item", { task: { id: "t2", description: "Answer", status: "pending", result: null } }),
      ev("plan_item", { task: { id: "t1", description: "Find", status: "completed", result: "ok" } }),
    ]);
    expect(answer(after).liveUpdates).toEqual([
      { update_id: "s", type: "FINISH", content: { label: "Searched", description: "found 3" } },
      { update_id: "r", type: "START", content: { label: "Reading", description: "3 docs" } },
    ]);
    expect(answer(after).plan!.map((t) => [t.id, t.status, t.result])).toEqual([
      ["t1", "completed", "ok"],
      ["t2", "pending", null],
    ]);
  });

  it("keeps images with safe URLs only", () => {
    const after = applyEvents(conversationWithAnswer(), "a1", [
      ev("image", { id: "1", url: "https://img.example/a.png" }),
      ev("image", { id: "2", url: "javascript:alert(1)" }),
      ev("image", { id: "3", url: "data:image/svg+xml,<svg onload=alert(1)>" }),
      ev("image", { id: "4", url: "data:image/png;base64,AAAA" }),
    ]);
    expect(answer(after).images).toEqual([
      { id: "1", url: "https://img.example/a.png" },
      { id: "4", url: "data:image/png;base64,AAAA" },
    ]);
  });

  it("clear_message discards the answer so far but keeps its identity", () => {
    const streamed = applyEvents(conversationWithAnswer(), "a1", [
      ev("message_id", { message_id: "srv" }),
      ev("text", { text: "draft" }),
      ev("reference", { title: "r", content: "c", url: null }),
      ev("clear_message", {}),
      ev("text", { text: "final" }),
    ]);
    expect(answer(streamed)).toEqual({ id: "a1", role: "assistant", content: "final", createdAt: 2, serverId: "srv", status: "streaming" });
  });

  it("shows error events on the message", () => {
    const after = applyEvents(conversationWithAnswer(), "a1", [ev("text", { text: "half" }), ev("error", { message: "Model timed out" })]);
    expect(answer(after)).toMatchObject({ content: "half", error: "Model timed out" });
    expect(answer(finishMessage(after, "a1", "done")).status).toBe("error");
  });

  it("collects confirmation requests once per id", () => {
    const request = { confirmation_id: "k", tool_name: "send_email", tool_description: "Sends", arguments: { to: "a@b" } };
    const after = applyEvents(conversationWithAnswer(), "a1", [ev("confirmation_request", { confirmation_request: request }), ev("confirmation_request", { confirmation_request: request })]);
    expect(answer(after).confirmations).toEqual([request]);
  });
});

describe("finishMessage", () => {
  it("keeps the partial text of a stopped answer", () => {
    const streamed = applyEvents(conversationWithAnswer(), "a1", [ev("text", { text: "partial" })]);
    const stopped = answer(finishMessage(streamed, "a1", "stopped"));
    expect(stopped).toMatchObject({ content: "partial", status: "stopped" });
  });

  it("adds a transport error to the message", () => {
    const failed = answer(finishMessage(conversationWithAnswer(), "a1", "error", "Could not reach the server."));
    expect(failed).toMatchObject({ status: "error", error: "Could not reach the server." });
  });
});
