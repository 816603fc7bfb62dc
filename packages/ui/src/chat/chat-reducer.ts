import type { ChatResponse, ConfirmationRequest, LiveUpdate, Reference, Task } from "@ragbits/chat/client";
import { safeImageUrl } from "../util/safe-url";
import { type ChatMessage, type Conversation, type MessageStatus } from "./chat-types";

/**
 * Pure state transitions of a conversation: how each stream event changes the answer being
 * streamed and the conversation around it. Unchanged messages keep their identity, so the view
 * can skip re-rendering them. Events come from @ragbits/chat/client's reader: parsed, the fields
 * of each type checked, legacy shapes upgraded and image pieces already reassembled. Fields that
 * reader does not check are still checked here, since the server is not trusted.
 */

/** Applies events, in order, to the assistant message `messageId`. */
export function applyEvents(conversation: Conversation, messageId: string, events: readonly ChatResponse[]): Conversation {
  let next = conversation;
  for (const event of events) next = applyEvent(next, messageId, event);
  return next;
}

export function applyEvent(conversation: Conversation, messageId: string, event: ChatResponse): Conversation {
  switch (event.type) {
    case "text":
      return updateMessage(conversation, messageId, (m) => appendText(m, event.content.text));
    case "reference":
      return updateMessage(conversation, messageId, (m) => addReference(m, event.content));
    case "message_id":
      return updateMessage(conversation, messageId, (m) => withString(m, "serverId", event.content.message_id));
    case "conversation_id":
      return setServerConversationId(conversation, event.content.conversation_id);
    case "conversation_summary":
      return setSummary(conversation, event.content.summary);
    case "state_update":
      return setState(conversation, event.content);
    case "live_update":
      return updateMessage(conversation, messageId, (m) => upsertLiveUpdate(m, event.content));
    case "followup_messages":
      return updateMessage(conversation, messageId, (m) => setFollowups(m, event.content.messages));
    case "image":
      return updateMessage(conversation, messageId, (m) => addImage(m, event.content.id, event.content.url));
    case "clear_message":
      return updateMessage(conversation, messageId, clearAnswer);
    case "usage":
      return updateMessage(conversation, messageId, (m) => (isObject(event.content.usage) ? { ...m, usage: event.content.usage } : m));
    case "plan_item":
      return updateMessage(conversation, messageId, (m) => upsertTask(m, event.content?.task));
    case "confirmation_request":
      return updateMessage(conversation, messageId, (m) => addConfirmation(m, event.content?.confirmation_request));
    case "error":
      return updateMessage(conversation, messageId, (m) => addError(m, event.content.message));
    default:
      // Custom, app-defined events (and chunked content that is not an image): the debug panel
      // shows them; the answer does not change.
      return conversation;
  }
}

/** Ends the turn: stopped answers keep what arrived. */
export function finishMessage(conversation: Conversation, messageId: string, status: MessageStatus, error?: string): Conversation {
  return updateMessage(conversation, messageId, (m) => {
    const finalStatus: MessageStatus = status === "done" && m.error ? "error" : status;
    const next: ChatMessage = { ...m, status: finalStatus };
    if (error) next.error = m.error ? `${m.error}\n${error}` : error;
    return next;
  });
}

/** Replaces one message through `update`; returns the same conversation when nothing changed. */
export function updateMessage(conversation: Conversation, messageId: string, update: (m: ChatMessage) => ChatMessage): Conversation {
  const messages = conversation.messages;
  // The streamed answer is almost always the last message: search from the end.
  for (let i = messages.length - 1; i >= 0; i--) {
    const message = messages[i]!;
    if (message.id !== messageId) continue;
    const updated = update(message);
    if (updated === message) return conversation;
    const copy = messages.slice();
    copy[i] = updated;
    return { ...conversation, messages: copy };
  }
  return conversation;
}

function appendText(m: ChatMessage, text: unknown): ChatMessage {
  return typeof text === "string" && text !== "" ? { ...m, content: m.content + text } : m;
}

function withString(m: ChatMessage, key: "serverId", value: unknown): ChatMessage {
  return typeof value === "string" && value !== "" ? { ...m, [key]: value } : m;
}

function addReference(m: ChatMessage, ref: Reference): ChatMessage {
  if (!isObject(ref) || typeof ref.title !== "string") return m;
  const reference: Reference = { title: ref.title, content: String(ref.content ?? ""), url: typeof ref.url === "string" ? ref.url : null };
  return { ...m, references: [...(m.references ?? []), reference] };
}

function setServerConversationId(c: Conversation, id: unknown): Conversation {
  return typeof id === "string" && id !== "" && id !== c.serverConversationId ? { ...c, serverConversationId: id } : c;
}

function setSummary(c: Conversation, summary: unknown): Conversation {
  if (typeof summary !== "string" || summary.trim() === "" || c.titleSource === "user") return c;
  return { ...c, title: summary.trim(), titleSource: "server" };
}

function setState(c: Conversation, content: { state?: unknown; signature?: unknown } | undefined): Conversation {
  if (!isObject(content?.state) || typeof content.signature !== "string") return c;
  return { ...c, state: content.state, signature: content.signature };
}

function upsertLiveUpdate(m: ChatMessage, update: LiveUpdate): ChatMessage {
  if (!isObject(update) || typeof update.update_id !== "string" || !isObject(update.content)) return m;
  const list = m.liveUpdates ?? [];
  const index = list.findIndex((u) => u.update_id === update.update_id);
  const entry: LiveUpdate = { update_id: update.update_id, type: update.type === "FINISH" ? "FINISH" : "START", content: update.content };
  const next = index === -1 ? [...list, entry] : list.map((u, i) => (i === index ? entry : u));
  return { ...m, liveUpdates: next };
}

function setFollowups(m: ChatMessage, messages: unknown): ChatMessage {
  if (!Array.isArray(messages)) return m;
  return { ...m, followups: messages.filter((q): q is string => typeof q === "string" && q.trim() !== "") };
}

function addImage(m: ChatMessage, id: unknown, url: unknown): ChatMessage {
  const safe = safeImageUrl(typeof url === "string" ? url : null);
  if (!safe) return m;
  const imageId = typeof id === "string" ? id : safe;
  const others = (m.images ?? []).filter((img) => img.id !== imageId);
  return { ...m, images: [...others, { id: imageId, url: safe }] };
}

/** `clear_message`: the answer so far is discarded; only its identity and progress remain. */
function clearAnswer(m: ChatMessage): ChatMessage {
  const cleared: ChatMessage = { id: m.id, role: m.role, content: "", createdAt: m.createdAt };
  if (m.serverId) cleared.serverId = m.serverId;
  if (m.status) cleared.status = m.status;
  return cleared;
}

function upsertTask(m: ChatMessage, task: Task): ChatMessage {
  if (!isObject(task) || typeof task.id !== "string" || typeof task.description !== "string") return m;
  const list = m.plan ?? [];
  const index = list.findIndex((t) => t.id === task.id);
  const entry: Task = { id: task.id, description: task.description, status: task.status, result: task.result ?? null };
  return { ...m, plan: index === -1 ? [...list, entry] : list.map((t, i) => (i === index ? entry : t)) };
}

function addConfirmation(m: ChatMessage, request: ConfirmationRequest): ChatMessage {
  if (!isObject(request) || typeof request.confirmation_id !== "string") return m;
  const others = (m.confirmations ?? []).filter((r) => r.confirmation_id !== request.confirmation_id);
  return { ...m, confirmations: [...others, request] };
}

function addError(m: ChatMessage, message: unknown): ChatMessage {
  const text = typeof message === "string" && message.trim() !== "" ? message : "Something went wrong.";
  return { ...m, error: m.error ? `${m.error}\n${text}` : text };
}

function isObject(value: unknown): value is Record<string, any> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
