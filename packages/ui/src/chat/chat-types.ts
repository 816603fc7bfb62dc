import type { ConfirmationRequest, FeedbackType, LiveUpdate, MessageUsage, Reference, Task } from "@ragbits/chat/client";
import type { JsonObject } from "../util/json-types";

/** Where an assistant answer is: still arriving, complete, cut short by the user, or failed. */
export type MessageStatus = "streaming" | "done" | "stopped" | "error";

export interface ImageItem {
  id: string;
  url: string;
}

export type ConfirmationDecision = "confirmed" | "declined";

export interface ChatMessage {
  /** Local id: stable from the moment the message is shown, before the server names it. */
  id: string;
  role: "user" | "assistant";
  content: string;
  createdAt: number;
  /** The server's `message_id`, used for feedback. */
  serverId?: string;
  status?: MessageStatus;
  error?: string;
  references?: Reference[];
  followups?: string[];
  liveUpdates?: LiveUpdate[];
  images?: ImageItem[];
  plan?: Task[];
  usage?: Record<string, MessageUsage>;
  confirmations?: ConfirmationRequest[];
  confirmationDecisions?: Record<string, ConfirmationDecision>;
  feedback?: FeedbackType;
}

/** Who named the conversation: a user's rename is never overwritten by the server's summary. */
export type TitleSource = "default" | "server" | "user";

export interface Conversation {
  /** Local key (IndexedDB); the server's id arrives later as `serverConversationId`. */
  id: string;
  title: string;
  titleSource: TitleSource;
  serverConversationId?: string;
  /** The last signed state from `state_update`, sent back with the next message. */
  state?: JsonObject;
  signature?: string;
  messages: ChatMessage[];
  createdAt: number;
  updatedAt: number;
}

export interface ConversationSummary {
  id: string;
  title: string;
  updatedAt: number;
}

export const DEFAULT_TITLE = "New chat";
