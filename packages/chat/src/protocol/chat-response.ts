/**
 * Everything a chat can stream to its client. Each response is `{ type, content }` exactly as it
 * travels on the wire (snake_case content fields, as in Ragbits), except custom responses, whose
 * wire `type` is their `customType`.
 */

export interface Reference {
  title: string;
  content: string;
  url: string | null;
}

export type LiveUpdateType = "START" | "FINISH";

export interface LiveUpdate {
  update_id: string;
  type: LiveUpdateType;
  content: { label: string; description: string | null };
}

export interface Image {
  id: string;
  url: string;
}

export interface ChunkedContent {
  id: string;
  content_type: "image";
  chunk_index: number;
  total_chunks: number;
  /** The data URL's part before the comma, e.g. "data:image/png;base64". */
  mime_type: string;
  data: string;
}

/** Usage per model, as Ragbits reports it. */
export interface MessageUsage {
  n_requests: number;
  estimated_cost: number;
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
}

export type TaskStatus = "pending" | "in_progress" | "completed" | "failed";

export interface Task {
  id: string;
  description: string;
  status: TaskStatus;
  result: string | null;
}

export interface ConfirmationRequest {
  confirmation_id: string;
  tool_name: string;
  tool_description: string;
  arguments: Record<string, unknown>;
}

export interface TextResponse {
  type: "text";
  content: { text: string };
}
export interface ReferenceResponse {
  type: "reference";
  content: Reference;
}
export interface StateUpdateResponse {
  type: "state_update";
  content: { state: Record<string, unknown>; signature: string };
}
export interface MessageIdResponse {
  type: "message_id";
  content: { message_id: string };
}
export interface ConversationIdResponse {
  type: "conversation_id";
  content: { conversation_id: string };
}
export interface ConversationSummaryResponse {
  type: "conversation_summary";
  content: { summary: string };
}
export interface LiveUpdateResponse {
  type: "live_update";
  content: LiveUpdate;
}
export interface FollowupMessagesResponse {
  type: "followup_messages";
  content: { messages: string[] };
}
export interface ImageResponse {
  type: "image";
  content: Image;
}
export interface ChunkedContentResponse {
  type: "chunked_content";
  content: ChunkedContent;
}
export interface ClearMessageResponse {
  type: "clear_message";
  content: Record<string, never>;
}
export interface UsageResponse {
  type: "usage";
  content: { usage: Record<string, MessageUsage> };
}
export interface PlanItemResponse {
  type: "plan_item";
  content: { task: Task };
}
export interface ConfirmationRequestResponse {
  type: "confirmation_request";
  content: { confirmation_request: ConfirmationRequest };
}
export interface ErrorResponse {
  type: "error";
  content: { message: string };
}

/** An app-defined event: sent on the wire as `{ type: customType, content }`. */
export interface CustomResponse<Type extends string = string, Content extends object = Record<string, unknown>> {
  type: "custom";
  customType: Type;
  content: Content;
}

export type ChatResponse =
  | TextResponse
  | ReferenceResponse
  | StateUpdateResponse
  | MessageIdResponse
  | ConversationIdResponse
  | ConversationSummaryResponse
  | LiveUpdateResponse
  | FollowupMessagesResponse
  | ImageResponse
  | ChunkedContentResponse
  | ClearMessageResponse
  | UsageResponse
  | PlanItemResponse
  | ConfirmationRequestResponse
  | ErrorResponse
  | CustomResponse;

export type ChatResponseType = Exclude<ChatResponse["type"], "custom">;

/** The event types of the protocol; any other wire type is a custom response. */
export const CHAT_RESPONSE_TYPES: readonly ChatResponseType[] = [
  "text",
  "reference",
  "state_update",
  "message_id",
  "conversation_id",
  "conversation_summary",
  "live_update",
  "followup_messages",
  "image",
  "chunked_content",
  "clear_message",
  "usage",
  "plan_item",
  "confirmation_request",
  "error",
];

/** The JSON object a response is sent as. */
export interface WireEvent {
  type: string;
  content: unknown;
}

export function toWireEvent(response: ChatResponse): WireEvent {
  return response.type === "custom" ? { type: response.customType, content: response.content } : response;
}

/** Reads a wire event back into a ChatResponse (unknown types become custom responses). */
export function fromWireEvent(event: WireEvent): ChatResponse {
  if ((CHAT_RESPONSE_TYPES as readonly string[]).includes(event.type)) return event as ChatResponse;
  return { type: "custom", customType: event.type, content: (event.content ?? {}) as Record<string, unknown> };
}
