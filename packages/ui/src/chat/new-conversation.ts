import { newId } from "../util/new-id";
import { type Conversation, DEFAULT_TITLE } from "./chat-types";

export function newConversation(now: number = Date.now(), id: string = newId()): Conversation {
  return { id, title: DEFAULT_TITLE, titleSource: "default", messages: [], createdAt: now, updatedAt: now };
}

/**
 * A conversation as loaded from storage: an answer that was still streaming when the page went
 * away cannot resume, so it is shown as stopped.
 */
export function reviveConversation(stored: Conversation): Conversation {
  const messages = stored.messages.map((m) => (m.status === "streaming" ? { ...m, status: "stopped" as const } : m));
  return { ...stored, messages };
}
