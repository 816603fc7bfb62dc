import type { ChatMessage as HistoryMessage, ChatMessageRequest, ChatRequestContext, ToolConfirmation } from "@ragbits/chat/client";
import type { JsonObject } from "../util/json-types";
import { type ChatMessage, type Conversation } from "./chat-types";

export interface RequestOptions {
  timezone?: string;
  userSettings?: JsonObject | null;
  toolConfirmations?: ToolConfirmation[];
}

/**
 * The body of POST /api/chat for a new message in `conversation` (whose messages are the turns
 * before it): earlier turns as history, and the context that ties the request to the conversation
 * and carries back the server's signed state.
 */
export function buildChatRequest(conversation: Conversation, message: string, options: RequestOptions = {}): ChatMessageRequest {
  return { message, history: toHistory(conversation.messages), context: buildContext(conversation, options) };
}

/** Earlier turns as the server wants them. Answers that produced no text (failed, cleared) carry nothing. */
export function toHistory(messages: readonly ChatMessage[]): HistoryMessage[] {
  const history: HistoryMessage[] = [];
  for (const m of messages) {
    if (m.content === "") continue;
    history.push({ role: m.role, content: m.content });
  }
  return history;
}

function buildContext(conversation: Conversation, options: RequestOptions): ChatRequestContext {
  const context: ChatRequestContext = {};
  if (conversation.serverConversationId) context.conversation_id = conversation.serverConversationId;
  // The server rejects a state without its signature, so they travel together or not at all.
  if (conversation.state && conversation.signature) {
    context.state = conversation.state;
    context.signature = conversation.signature;
  }
  if (options.timezone) context.timezone = options.timezone;
  if (options.userSettings && Object.keys(options.userSettings).length > 0) context.user_settings = options.userSettings;
  if (options.toolConfirmations?.length) context.tool_confirmations = options.toolConfirmations;
  return context;
}

/** The browser's IANA time zone, when it has one. */
export function browserTimezone(): string | undefined {
  try {
    return Intl.DateTimeFormat().resolvedOptions().timeZone || undefined;
  } catch {
    return undefined;
  }
}
