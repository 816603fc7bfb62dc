import { type ChatResponse } from "../protocol/chat-response";
import { RagbitsClientError } from "./client-errors";
import { type ChatMessage, type ChatMessageRequest, type ChatRequestContext, type SignedState, localTimezone } from "./chat-request";
import { type ChatStreamOptions } from "./chat-stream";
import { type ChatRunResult, collectRunResult } from "./run-result";

/** Sends one turn; the client provides it. */
export type TurnSender = (request: ChatMessageRequest, options: ChatStreamOptions) => AsyncGenerator<ChatResponse, void, undefined>;

export interface ConversationOptions {
  /** Earlier turns, to continue a conversation (e.g. one restored from storage). */
  history?: readonly ChatMessage[] | undefined;
  conversationId?: string | undefined;
  state?: SignedState | undefined;
  /** Values of the server's user-settings form, sent as `context.user_settings`. */
  userSettings?: Record<string, unknown> | undefined;
  /** IANA time zone sent as `context.timezone`; defaults to this machine's. */
  timezone?: string | undefined;
}

export interface ConversationRunOptions {
  /** Extra context for this turn; its keys override the ones the conversation tracks. */
  context?: ChatRequestContext | undefined;
  signal?: AbortSignal | undefined;
}

/**
 * One conversation with the server: keeps the history, the conversation id and the signed state
 * between turns and sends them back, as the Ragbits UI does. One turn at a time.
 *
 * A turn the server accepted is recorded in the history however it ended (stopped, aborted, cut):
 * the user's message, and the assistant's text when there is any — empty assistant messages are
 * left out, as some providers reject them.
 */
export class Conversation {
  userSettings: Record<string, unknown> | undefined;
  readonly timezone: string | undefined;
  private readonly messages: ChatMessage[];
  private id: string | undefined;
  private signed: SignedState | undefined;
  private busy = false;

  /** Created by `RagbitsChatClient.newConversation()`. */
  constructor(
    private readonly send: TurnSender,
    options: ConversationOptions = {},
  ) {
    this.messages = (options.history ?? []).map((message) => ({ ...message }));
    this.id = options.conversationId;
    this.signed = options.state;
    this.userSettings = options.userSettings;
    this.timezone = options.timezone ?? localTimezone();
  }

  /** The turns so far (a copy). */
  get history(): ChatMessage[] {
    return this.messages.map((message) => ({ ...message }));
  }

  /** The server's id for this conversation, once it sent one. */
  get conversationId(): string | undefined {
    return this.id;
  }

  /** The last signed state the server sent. */
  get state(): SignedState | undefined {
    return this.signed;
  }

  /** Sends a message; yields the responses as they arrive. Break out of the loop to stop the answer. */
  async *runStreaming(message: string, options: ConversationRunOptions = {}): AsyncGenerator<ChatResponse, void, undefined> {
    if (this.busy) throw new RagbitsClientError("This conversation is already running a turn: wait for it to end, or start another conversation");
    this.busy = true;
    const turn = { accepted: false, text: "" };
    try {
      const request = this.request(message, options.context);
      for await (const response of this.send(request, { signal: options.signal, onAccepted: () => (turn.accepted = true) })) {
        this.observe(response, turn);
        yield response;
      }
    } finally {
      this.busy = false;
      if (turn.accepted) this.record(message, turn.text);
    }
  }

  /** Sends a message and resolves once the answer is complete. */
  run(message: string, options: ConversationRunOptions = {}): Promise<ChatRunResult> {
    return collectRunResult(this.runStreaming(message, options));
  }

  private request(message: string, context: ChatRequestContext = {}): ChatMessageRequest {
    const tracked: ChatRequestContext = {};
    if (this.timezone) tracked.timezone = this.timezone;
    if (this.userSettings) tracked.user_settings = this.userSettings;
    if (this.id) tracked.conversation_id = this.id;
    if (this.signed) Object.assign(tracked, { state: this.signed.state, signature: this.signed.signature });
    return { message, history: this.history, context: { ...tracked, ...context } };
  }

  private observe(response: ChatResponse, turn: { text: string }): void {
    if (response.type === "conversation_id") this.id = response.content.conversation_id;
    else if (response.type === "state_update") this.signed = { state: response.content.state, signature: response.content.signature };
    else if (response.type === "text") turn.text += response.content.text;
    else if (response.type === "clear_message") turn.text = "";
  }

  private record(message: string, answer: string): void {
    this.messages.push({ role: "user", content: message });
    if (answer) this.messages.push({ role: "assistant", content: answer });
  }
}
