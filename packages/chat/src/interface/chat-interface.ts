import { type ChatFormat } from "@ragbits/core";
import {
  type ChatResponse,
  type ClearMessageResponse,
  type ConfirmationRequestResponse,
  type CustomResponse,
  type ErrorResponse,
  type FollowupMessagesResponse,
  type ImageResponse,
  type LiveUpdateResponse,
  type LiveUpdateType,
  type PlanItemResponse,
  type ReferenceResponse,
  type StateUpdateResponse,
  type TextResponse,
  type UsageResponse,
} from "../protocol/chat-response";
import {
  createClearMessageResponse,
  createConfirmationRequest,
  createCustomResponse,
  createErrorResponse,
  createFollowupMessages,
  createImageResponse,
  createLiveUpdate,
  createPlanItemResponse,
  createReference,
  createStateUpdate,
  createTextResponse,
  createUsageResponse,
  type UsageRecords,
  type UsageSource,
  type UsageStream,
} from "../responses/create-responses";
import { type StateSigner, defaultStateSigner } from "../state/state-signing";
import { type HistoryPersistence } from "../history/history-persistence";
import { type FeedbackConfig, type UICustomization, type UserSettingsConfig } from "./chat-config";
import { type ChatContext } from "./chat-context";
import { type SummaryGenerator, firstWordsSummary } from "./summary-generator";
import { type UploadHandler } from "./uploaded-file";

const MARKER = Symbol.for("ragbits.chat.ChatInterface");

export type FeedbackType = "like" | "dislike";

/**
 * A chat: implement `chat()` as an async generator of responses; set the fields below to turn on
 * UI features. `RagbitsAPI` serves it.
 */
export abstract class ChatInterface {
  static readonly [MARKER] = true;

  /** Like/dislike buttons and their optional forms. */
  feedbackConfig: FeedbackConfig = {};
  /** Header, welcome message, starter questions and page meta of the UI. */
  uiCustomization: UICustomization | null = null;
  /** A settings form; its values reach `chat()` as `context.userSettings`. */
  userSettings: UserSettingsConfig = {};
  /** Let the UI keep a list of conversations. */
  conversationHistory = false;
  /** Show token usage under answers (yield `createUsageResponse`). */
  showUsage = false;
  /** Where interactions are saved (for example `JsonlHistoryStore`, `SqliteHistoryStore`). */
  historyPersistence: HistoryPersistence | null = null;
  /** Accept file uploads (POST /api/upload) and hand them to this function. */
  uploadHandler: UploadHandler | null = null;
  /** Names new conversations. */
  summaryGenerator: SummaryGenerator = firstWordsSummary;

  /** Answers one message. Yield responses as they become ready; they are streamed at once. */
  abstract chat(message: string, history: ChatFormat, context: ChatContext): AsyncGenerator<ChatResponse, void, undefined>;

  /** Called once, before the server accepts requests: load models, open connections. */
  async setup(): Promise<void> {}

  /** Receives the user's like/dislike and form payload. */
  async saveFeedback(_messageId: string, _feedback: FeedbackType, _payload: Record<string, unknown>): Promise<void> {}

  /**
   * Signs state updates and verifies the state clients send back. Default: keyed by
   * RAGBITS_SECRET_KEY; RagbitsAPI's `stateSigner` option replaces it.
   */
  get stateSigner(): StateSigner {
    this.signer ??= defaultStateSigner();
    return this.signer;
  }

  set stateSigner(signer: StateSigner) {
    this.signer = signer;
  }

  private signer: StateSigner | undefined;

  createTextResponse(text: string): TextResponse {
    return createTextResponse(text);
  }

  createReference(title: string, content: string, url: string | null = null): ReferenceResponse {
    return createReference(title, content, url);
  }

  /** A state update, signed with this chat's `stateSigner`. */
  createStateUpdate(state: Record<string, unknown>): StateUpdateResponse {
    return createStateUpdate(state, this.stateSigner);
  }

  createLiveUpdate(updateId: string, type: LiveUpdateType, label: string, description: string | null = null): LiveUpdateResponse {
    return createLiveUpdate(updateId, type, label, description);
  }

  createFollowupMessages(messages: string[]): FollowupMessagesResponse {
    return createFollowupMessages(messages);
  }

  createImageResponse(url: string, id?: string): ImageResponse {
    return createImageResponse(url, id);
  }

  createClearMessageResponse(): ClearMessageResponse {
    return createClearMessageResponse();
  }

  /**
   * Usage per model. From @ragbits/core usage (with its model name) or a `generateWithMetadata`
   * result it returns the response; from an LLMStream it returns a promise of it, resolved from the
   * stream's totals: `yield await this.createUsageResponse(stream)` after the loop.
   */
  createUsageResponse(usage: UsageSource | readonly UsageSource[] | UsageRecords, model?: string): UsageResponse;
  createUsageResponse(usage: UsageStream | readonly (UsageSource | UsageStream)[], model?: string): Promise<UsageResponse>;
  createUsageResponse(usage: UsageSource | UsageStream | readonly (UsageSource | UsageStream)[] | UsageRecords, model?: string): UsageResponse | Promise<UsageResponse> {
    // The same overloads as the function's; its implementation signature takes every input.
    return (createUsageResponse as (input: typeof usage, model?: string) => UsageResponse | Promise<UsageResponse>)(usage, model);
  }

  createPlanItemResponse(task: Parameters<typeof createPlanItemResponse>[0]): PlanItemResponse {
    return createPlanItemResponse(task);
  }

  createConfirmationRequest(request: Parameters<typeof createConfirmationRequest>[0]): ConfirmationRequestResponse {
    return createConfirmationRequest(request);
  }

  createErrorResponse(message: string): ErrorResponse {
    return createErrorResponse(message);
  }

  createCustomResponse<Type extends string, Content extends object>(type: Type, content: Content): CustomResponse<Type, Content> {
    return createCustomResponse(type, content);
  }

  /** True for ChatInterface subclasses, even from another copy of this package (as the CLI may load). */
  static isChatInterfaceClass(value: unknown): value is new () => ChatInterface {
    return typeof value === "function" && (value as unknown as Record<symbol, unknown>)[MARKER] === true;
  }

  /** True for ChatInterface instances, even from another copy of this package. */
  static isChatInterface(value: unknown): value is ChatInterface {
    return typeof value === "object" && value !== null && ChatInterface.isChatInterfaceClass(value.constructor);
  }
}
