/**
 * @ragbits/chat/client — a fetch-based client for Ragbits chat servers, for Node 20+ and browsers.
 * Nothing here may import Node modules or use Node globals.
 */

export { RagbitsChatClient, type RagbitsChatClientOptions, type ChatRunOptions, type RequestOptions } from "./ragbits-chat-client";
export { Conversation, type ConversationOptions, type ConversationRunOptions } from "./conversation";
export { type ChatRunResult } from "./run-result";
export { readChatResponses, readResumableChatResponses, type ChatResponseReaderOptions, type ResumableChatResponseReaderOptions } from "./chat-response-reader";
export { type ResumeOptions } from "./chat-stream";
export { type ReconnectEvent, type ResumeRetryOptions, isFinalFailure } from "./resumable-sse";
export { RESUMABLE_HEADER, RESUME_TOKEN_HEADER, LAST_EVENT_ID_HEADER, STREAM_END_COMMENT, resumeStreamPath, stopTurnPath } from "../protocol/resumable-stream";
export { type ChatMessage, type ChatMessageRequest, type ChatRequestContext, type SignedState } from "./chat-request";
export { THEME_HEADER, type RagbitsConfig, type CustomizationSettings, type FeedbackItemSettings, type FeedbackType, type FeedbackResult, type ThemeAvailability } from "../protocol/config-response";
export type { ToolConfirmation } from "../protocol/chat-request";
export {
  CONVERSATIONS_HEADER,
  type ConversationsAvailability,
  type ConversationListItem,
  type ConversationListResponse,
  type ConversationInteraction,
  type ConversationResponse,
  type StoredFeedback,
} from "../protocol/conversations";
export type { User } from "../protocol/user";
export { type FetchLike, type HeadersOption } from "./http-transport";
export {
  RagbitsClientError,
  RagbitsHTTPError,
  RagbitsNetworkError,
  RagbitsAbortError,
  RagbitsProtocolError,
  type ValidationIssue,
} from "./client-errors";

// The response types, so client users need not import the server entry point.
export type {
  ChatResponse,
  ChatResponseType,
  WireEvent,
  TextResponse,
  ReferenceResponse,
  StateUpdateResponse,
  MessageIdResponse,
  ConversationIdResponse,
  ConversationSummaryResponse,
  LiveUpdateResponse,
  FollowupMessagesResponse,
  ImageResponse,
  ChunkedContentResponse,
  ClearMessageResponse,
  UsageResponse,
  PlanItemResponse,
  ConfirmationRequestResponse,
  ErrorResponse,
  CustomResponse,
  Reference,
  LiveUpdate,
  LiveUpdateType,
  Image,
  ChunkedContent,
  MessageUsage,
  Task,
  TaskStatus,
  ConfirmationRequest,
} from "../protocol/chat-response";
