import { type ChatResponse, type ConversationInteraction, type ConversationResponse, type WireEvent, readChatResponses } from "@ragbits/chat/client";
import { applyEvents, finishMessage, updateMessage } from "./chat-reducer";
import { type ChatMessage, type Conversation, type MessageStatus } from "./chat-types";

const STATUS: Record<ConversationInteraction["status"], MessageStatus> = { completed: "done", aborted: "stopped", error: "error" };

/**
 * A conversation as the server recorded it (GET /api/conversations/:id), as the chat view shows
 * one: each interaction is a question and its answer. The answer's events go through the same
 * reader and reducer as a live stream (so images reassemble, unknown or malformed events are
 * skipped the same way); its text is the recorded answer, and the last signed state comes back with
 * the state_update events, so the conversation continues where it was.
 */
export async function fromServerConversation(server: ConversationResponse): Promise<Conversation> {
  let conversation: Conversation = {
    id: server.id,
    title: typeof server.title === "string" && server.title.trim() !== "" ? server.title : "Conversation",
    // A title the server chose: a user's rename is never sent to it, so nothing is lost.
    titleSource: "server",
    serverConversationId: server.id,
    messages: [],
    createdAt: numberOr(server.created_at, 0),
    updatedAt: numberOr(server.updated_at, 0),
  };
  for (const interaction of server.interactions) {
    const messageId = String(interaction.message_id);
    const at = numberOr(interaction.started_at, conversation.createdAt);
    const question: ChatMessage = { id: `${messageId}:question`, role: "user", content: String(interaction.message ?? ""), createdAt: at };
    const answer: ChatMessage = { id: `${messageId}:answer`, role: "assistant", content: "", createdAt: at, serverId: messageId, status: "streaming" };
    conversation = { ...conversation, messages: [...conversation.messages, question, answer] };
    // The recorded text is already the whole answer; clear_message had its effect on it when it streamed.
    const events = (await readRecordedEvents(interaction.events)).filter((event) => event.type !== "text" && event.type !== "clear_message");
    conversation = applyEvents(conversation, answer.id, events);
    conversation = updateMessage(conversation, answer.id, (m) => {
      const next: ChatMessage = { ...m, content: typeof interaction.answer === "string" ? interaction.answer : "" };
      const feedback = interaction.feedback?.feedback;
      if (feedback === "like" || feedback === "dislike") next.feedback = feedback;
      return next;
    });
    conversation = finishMessage(conversation, answer.id, STATUS[interaction.status] ?? "done", interaction.status === "error" && !hasError(conversation, answer.id) ? "The answer failed." : undefined);
  }
  return conversation;
}

/** The recorded wire events, read as a live stream's would be. */
async function readRecordedEvents(events: unknown): Promise<ChatResponse[]> {
  if (!Array.isArray(events) || events.length === 0) return [];
  const text = (events as WireEvent[]).map((event) => `data: ${JSON.stringify(event)}\n\n`).join("");
  const body = new Response(text).body!;
  const read: ChatResponse[] = [];
  try {
    for await (const event of readChatResponses(body)) read.push(event);
  } catch {
    // An answer cut short mid-image (or an event the reader refuses): the rest of it still shows.
  }
  return read;
}

function hasError(conversation: Conversation, messageId: string): boolean {
  return conversation.messages.some((m) => m.id === messageId && m.error !== undefined);
}

function numberOr(value: unknown, fallback: number): number {
  return typeof value === "number" && Number.isFinite(value) ? value : fallback;
}
