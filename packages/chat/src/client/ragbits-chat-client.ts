import type { ChatResponse } from "../protocol/chat-response";
import { type ChatMessage, type ChatRequestContext, localTimezone } from "./chat-request";
import { type ResumeOptions, streamChat } from "./chat-stream";
import type { FeedbackResult, FeedbackType, RagbitsConfig } from "../protocol/config-response";
import { Conversation, type ConversationOptions } from "./conversation";
import { HttpTransport, type TransportOptions } from "./http-transport";
import { type ChatRunResult, collectRunResult } from "./run-result";

export interface RagbitsChatClientOptions extends TransportOptions {
  /**
   * Answers survive a dropped connection (on by default): each turn asks the server for a resume
   * token, and when the connection drops mid-answer the client re-attaches with backoff and goes on
   * where it was (`onReconnect` is told of each attempt). Stopping a turn (breaking out of the loop,
   * or the signal) then also calls the server's stop endpoint. `false`: a dropped connection ends
   * the answer with a network error, and the server stops it (Python Ragbits' behaviour). Servers
   * without resumable streams are unaffected either way.
   */
  resume?: ResumeOptions | false | undefined;
}

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
  private readonly resume: ResumeOptions | false | undefined;

  constructor(options: RagbitsChatClientOptions) {
    this.transport = new HttpTransport(options);
    this.resume = options.resume;
  }

  newConversation(options: ConversationOptions = {}): Conversation {
    return new Conversation((request, streamOptions) => streamChat(this.transport, request, { ...streamOptions, resume: this.resume }), options);
  }

  /** Sends one message; yields the responses as they arrive. Break out of the loop to stop the answer. */
  async *runStreaming(message: string, options: ChatRunOptions = {}): AsyncGenerator<ChatResponse, void, undefined> {
    const timezone = localTimezone();
    const context: ChatRequestContext = { ...(timezone ? { timezone } : {}), ...options.context };
    yield* streamChat(this.transport, { message, history: [...(options.history ?? [])], context }, { signal: options.signal, resume: this.resume });
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
