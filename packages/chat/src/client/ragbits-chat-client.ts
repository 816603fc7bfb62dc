import type { ChatResponse } from "../protocol/chat-response";
import { type ChatMessage, type ChatRequestContext, localTimezone } from "./chat-request";
import { streamChat } from "./chat-stream";
import type { FeedbackResult, FeedbackType, RagbitsConfig } from "../protocol/config-response";
import { Conversation, type ConversationOptions } from "./conversation";
import { HttpTransport, type TransportOptions } from "./http-transport";
import { type ChatRunResult, collectRunResult } from "./run-result";

export type RagbitsChatClientOptions = TransportOptions;

export interface ChatRunOptions {
  /** Earlier turns (the new message is not part of it). */
  history?: readonly ChatMessage[] | undefined;
  /** The request context; `timezone` defaults to this machine's. */
  context?: ChatRequestContext | undefined;
  signal?: AbortSignal | undefined;
}

export interface RequestOptions {
  signal?: AbortSignal | undefined;
}

/**
 * A client for a Ragbits chat server (this package's RagbitsAPI, or Python Ragbits). fetch-based:
 * runs in Node 20+ and in browsers. `newConversation()` keeps state between turns; `run` and
 * `runStreaming` here are one-off calls that track nothing.
 */
export class RagbitsChatClient {
  private readonly transport: HttpTransport;

  constructor(options: RagbitsChatClientOptions) {
    this.transport = new HttpTransport(options);
  }

  newConversation(options: ConversationOptions = {}): Conversation {
    return new Conversation((request, streamOptions) => streamChat(this.transport, request, streamOptions), options);
  }

  /** Sends one message; yields the responses as they arrive. Break out of the loop to stop the answer. */
  async *runStreaming(message: string, options: ChatRunOptions = {}): AsyncGenerator<ChatResponse, void, undefined> {
    const timezone = localTimezone();
    const context: ChatRequestContext = { ...(timezone ? { timezone } : {}), ...options.context };
    yield* streamChat(this.transport, { message, history: [...(options.history ?? [])], context }, { signal: options.signal });
  }

  /** Sends one message and resolves once the answer is complete. */
  run(message: string, options: ChatRunOptions = {}): Promise<ChatRunResult> {
    return collectRunResult(this.runStreaming(message, options));
  }

  /** GET /api/config: what the server's UI offers (feedback forms, customization, auth…). */
  getConfig(options: RequestOptions = {}): Promise<RagbitsConfig> {
    return this.transport.requestJson<RagbitsConfig>("GET", "/api/config", options);
  }

  /** POST /api/feedback for a message (its id comes from the `message_id` event / `messageId`). */
  sendFeedback(messageId: string, feedback: FeedbackType, payload?: Record<string, unknown>, options: RequestOptions = {}): Promise<FeedbackResult> {
    const body = payload === undefined ? { message_id: messageId, feedback } : { message_id: messageId, feedback, payload };
    return this.transport.requestJson<FeedbackResult>("POST", "/api/feedback", { ...options, body });
  }
}
