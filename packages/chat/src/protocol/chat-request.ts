/** The body of POST /api/chat, as it travels on the wire (snake_case, as in Ragbits). */
import { type ToolConfirmation } from "../interface/chat-context";

/** One earlier turn, as the server expects it in `history`. */
export interface ChatMessage {
  role: "user" | "assistant" | "system";
  content: string;
  extra?: Record<string, unknown> | null;
}

/** The state of a conversation as the server signed it (from a `state_update` event). */
export interface SignedState {
  state: Record<string, unknown>;
  signature: string;
}

/** The request's `context`, with the protocol's snake_case keys; other keys reach the app as extras. */
export interface ChatRequestContext {
  conversation_id?: string | null;
  message_id?: string | null;
  state?: Record<string, unknown>;
  signature?: string;
  timezone?: string;
  user_settings?: Record<string, unknown>;
  tool_confirmations?: ToolConfirmation[];
  [key: string]: unknown;
}

/** The body of POST /api/chat. */
export interface ChatMessageRequest {
  message: string;
  history: ChatMessage[];
  context: ChatRequestContext;
}
