import { buildChatRequest, toHistory } from "./build-request";
import { type ChatMessage, type Conversation } from "./chat-types";

const messages: ChatMessage[] = [
  { id: "1", role: "user", content: "Hi", createdAt: 0 },
  { id: "2", role: "assistant", content: "Hello!", createdAt: 0, status: "done", references: [{ title: "t", content: "c", url: null }] },
  { id: "3", role: "user", content: "Fail please", createdAt: 0 },
  { id: "4", role: "assistant", content: "", createdAt: 0, status: "error", error: "boom" },
];
const base: Conversation = { id: "local", title: "t", titleSource: "default", messages, createdAt: 0, updatedAt: 0 };

describe("buildChatRequest", () => {
  it("sends earlier turns as role/content history, skipping answers without text", () => {
    expect(toHistory(messages)).toEqual([
      { role: "user", content: "Hi" },
      { role: "assistant", content: "Hello!" },
      { role: "user", content: "Fail please" },
    ]);
  });

  it("carries the conversation id, signed state, timezone and user settings in context", () => {
    const conversation = { ...base, serverConversationId: "conv-1", state: { n: 1 }, signature: "sig" };
    const request = buildChatRequest(conversation, "Next", { timezone: "Europe/Warsaw", userSettings: { lang: "pl" } });
    expect(request).toEqual({
      message: "Next",
      history: toHistory(messages),
      context: { conversation_id: "conv-1", state: { n: 1 }, signature: "sig", timezone: "Europe/Warsaw", user_settings: { lang: "pl" } },
    });
  });

  it("leaves out what it does not have, and never sends state without its signature", () => {
    const request = buildChatRequest({ ...base, messages: [], state: { n: 1 } }, "First", { userSettings: {} });
    expect(request).toEqual({ message: "First", history: [], context: {} });
  });

  it("passes tool confirmations through", () => {
    const request = buildChatRequest(base, "Confirmed: x", { toolConfirmations: [{ confirmation_id: "k", confirmed: true }] });
    expect(request.context.tool_confirmations).toEqual([{ confirmation_id: "k", confirmed: true }]);
  });
});
