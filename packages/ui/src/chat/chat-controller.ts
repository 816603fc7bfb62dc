import {
  type ChatMessageRequest,
  type ChatResponse,
  type FeedbackType,
  RESUME_TOKEN_HEADER,
  RagbitsProtocolError,
  type ToolConfirmation,
  type WireEvent,
  readChatResponses,
  readResumableChatResponses,
} from "@ragbits/chat/client";
import { ApiError } from "../api/api-error";
import type { JsonObject } from "../util/json-types";
import { type ConversationRepository } from "../storage/conversation-repository";
import { type PendingTurnStore } from "../storage/pending-turn-store";
import { type FrameScheduler } from "../util/frame-scheduler";
import { newId as defaultNewId } from "../util/new-id";
import { buildChatRequest } from "./build-request";
import { applyEvents, finishMessage, updateMessage } from "./chat-reducer";
import { type ChatMessage, type Conversation, type ConversationSummary, type MessageStatus } from "./chat-types";
import { newConversation, reviveConversation } from "./new-conversation";

export interface DebugEntry {
  at: number;
  /** As it came on the wire (a custom event under its own type; image pieces already joined). */
  event: WireEvent;
}

export interface ChatSnapshot {
  conversation: Conversation;
  /** The assistant message being streamed, if any. */
  streamingId: string | null;
  conversations: ConversationSummary[];
  /** Older conversations exist than those listed (the server lists a page at a time). */
  moreConversations: boolean;
  /** The last request and the events it received, for the debug panel. */
  debug: { request: ChatMessageRequest | null; events: DebugEntry[] };
}

export interface ChatControllerDeps {
  /** POST /api/chat; resolves with the streaming response or rejects with an ApiError. */
  startChat: (request: ChatMessageRequest, signal: AbortSignal) => Promise<Response>;
  /**
   * Re-attaches to a resumable turn (GET /api/chat/:message_id/stream) after `lastEventId`. Without
   * it (or without a resume token in the answer) a dropped connection ends the answer, as before.
   */
  resumeChat?: (messageId: string, token: string, lastEventId: string | undefined, signal: AbortSignal) => Promise<Response>;
  /** Stops a resumable turn on the server (POST /api/chat/:message_id/stop). */
  stopChat?: (messageId: string, token: string) => Promise<void>;
  /** Where an answer still streaming is remembered, so a reload can re-attach to it. */
  pendingTurns?: PendingTurnStore;
  /**
   * Null when neither the server keeps conversations nor the config enables conversation history:
   * nothing outlives the page.
   */
  repository: ConversationRepository | null;
  scheduleFrame: FrameScheduler;
  userSettings?: () => JsonObject | null;
  timezone?: () => string | undefined;
  /** Told which conversation is open, so a reload can reopen it. */
  rememberActive?: (id: string | null) => void;
  /** A request came back 401: the session is gone. */
  onAuthRequired?: () => void;
  keepDebugLog?: boolean;
  now?: () => number;
  newId?: () => string;
}

interface Turn {
  controller: AbortController;
  assistantId: string;
  pending: ChatResponse[];
  flushScheduled: boolean;
  /** The conversation when the turn started (the user's message and the empty answer): what a reload restores. */
  start: Conversation;
  /** Set when the server made the turn resumable. */
  token?: string;
  /** The server's message_id, once its event arrived. */
  messageId?: string;
}

const MAX_DEBUG_EVENTS = 2000;
const SIGNATURE_REJECTED = /signature/i;

/**
 * Owns the open conversation and the one request that may be streaming into it. Stream events
 * are queued and applied once per animation frame; listeners get an immutable snapshot.
 */
export class ChatController {
  private snapshot: ChatSnapshot;
  private readonly listeners = new Set<() => void>();
  private turn: Turn | null = null;
  private readonly now: () => number;
  private readonly newId: () => string;

  constructor(private readonly deps: ChatControllerDeps) {
    this.now = deps.now ?? Date.now;
    this.newId = deps.newId ?? defaultNewId;
    this.snapshot = { conversation: newConversation(this.now(), this.newId()), streamingId: null, conversations: [], moreConversations: false, debug: { request: null, events: [] } };
  }

  getSnapshot = (): ChatSnapshot => this.snapshot;

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  get isStreaming(): boolean {
    return this.turn !== null;
  }

  /** Whether conversations outlive the page (a sidebar lists them). */
  get keepsConversations(): boolean {
    return this.deps.repository !== null;
  }

  /** Conversations the server keeps are named by the server; only browser-kept ones can be renamed. */
  get canRename(): boolean {
    return this.deps.repository?.kind === "browser";
  }

  /**
   * A conversation's key in the repository (and the sidebar): its local id, or for conversations the
   * server keeps, the server's id (null until the server named it).
   */
  keyOf(conversation: Conversation): string | null {
    return this.deps.repository?.kind === "server" ? (conversation.serverConversationId ?? null) : conversation.id;
  }

  /** Sends a new user message; resolves when its answer has ended (done, stopped or failed). */
  send(text: string, toolConfirmations?: ToolConfirmation[]): Promise<void> {
    if (text.trim() === "") return Promise.resolve();
    this.stop();
    return this.startTurn(this.snapshot.conversation, text, toolConfirmations);
  }

  /**
   * Stops the answer; it keeps whatever had arrived. A resumable turn outlives its connection, so
   * the server is told to stop it (its model call too) before the connection is closed.
   */
  stop(): void {
    const turn = this.turn;
    if (!turn) return;
    if (turn.token && turn.messageId) this.deps.stopChat?.(turn.messageId, turn.token).catch(() => undefined);
    turn.controller.abort();
    this.endTurn(turn, "stopped");
  }

  /**
   * After a reload: re-attaches to the answer that was streaming when the page went away, if the
   * server still has it. The conversation is shown as it was when that turn started and the answer
   * is rebuilt from the server's replay (no text twice), then follows live. Resolves when it ends.
   */
  async resumePending(): Promise<void> {
    const saved = this.deps.pendingTurns?.load();
    if (!saved) return;
    const { conversation, assistantId, messageId, token } = saved;
    if (!this.deps.resumeChat || !conversation.messages.some((m) => m.id === assistantId && m.role === "assistant")) {
      this.deps.pendingTurns?.clear();
      return;
    }
    this.stop();
    const turn: Turn = { controller: new AbortController(), assistantId, pending: [], flushScheduled: false, start: conversation, token, messageId };
    this.turn = turn;
    this.set({ conversation, streamingId: assistantId, debug: { request: null, events: [] } });
    this.deps.rememberActive?.(conversation.id);
    let response: Response;
    try {
      response = await this.deps.resumeChat(messageId, token, undefined, turn.controller.signal);
      if (!response.body) throw new Error("The server sent an empty answer.");
    } catch (error) {
      // Gone (expired, or the server restarted): the answer stays as it was saved, stopped.
      this.endTurn(turn, "stopped", error instanceof ApiError && error.status === 404 ? "This answer could not be resumed after the reload." : undefined);
      return;
    }
    await this.readTurn(turn, this.resumableEvents(turn, response.body, token));
  }

  /** Asks again for the answer `assistantId` (and drops everything after it). */
  regenerate(assistantId: string): Promise<void> {
    const messages = this.snapshot.conversation.messages;
    const index = messages.findIndex((m) => m.id === assistantId);
    const userIndex = findLastIndex(messages, index, (m) => m.role === "user");
    if (userIndex === -1) return Promise.resolve();
    return this.resendFrom(userIndex, messages[userIndex]!.content);
  }

  /** Replaces user message `userId` with `text` and asks again from there. */
  editAndResend(userId: string, text: string): Promise<void> {
    const index = this.snapshot.conversation.messages.findIndex((m) => m.id === userId && m.role === "user");
    if (index === -1 || text.trim() === "") return Promise.resolve();
    return this.resendFrom(index, text);
  }

  /** Answers a tool confirmation request with a new turn that carries the decision. */
  decideConfirmation(assistantId: string, confirmationId: string, confirmed: boolean): Promise<void> {
    const message = this.snapshot.conversation.messages.find((m) => m.id === assistantId);
    const request = message?.confirmations?.find((r) => r.confirmation_id === confirmationId);
    if (!message || !request) return Promise.resolve();
    this.updateConversation(
      updateMessage(this.snapshot.conversation, assistantId, (m) => ({
        ...m,
        confirmationDecisions: { ...m.confirmationDecisions, [confirmationId]: confirmed ? "confirmed" : "declined" },
      })),
    );
    const text = `${confirmed ? "Confirmed" : "Declined"}: ${request.tool_name}`;
    return this.send(text, [{ confirmation_id: confirmationId, confirmed }]);
  }

  /** Records the user's like/dislike on the message (after the server accepted it). */
  setFeedback(messageId: string, feedback: FeedbackType): void {
    this.updateConversation(updateMessage(this.snapshot.conversation, messageId, (m) => ({ ...m, feedback })));
    void this.persist(this.snapshot.conversation);
  }

  startNewConversation(): void {
    this.stop();
    this.set({ conversation: newConversation(this.now(), this.newId()), debug: { request: null, events: [] } });
    this.deps.rememberActive?.(null);
  }

  /** Opens a stored conversation; false when it no longer exists. */
  async openConversation(id: string): Promise<boolean> {
    const repository = this.deps.repository;
    const stored = repository ? await this.guard(() => repository.get(id)) : null;
    if (!stored) return false;
    this.stop();
    this.set({ conversation: reviveConversation(stored), debug: { request: null, events: [] } });
    this.deps.rememberActive?.(id);
    return true;
  }

  async renameConversation(id: string, title: string): Promise<void> {
    const clean = title.trim();
    if (clean === "" || !this.canRename) return;
    const current = this.snapshot.conversation;
    const target = current.id === id ? current : await this.deps.repository?.get(id);
    if (!target) return;
    const renamed: Conversation = { ...target, title: clean, titleSource: "user" };
    if (current.id === id) this.set({ conversation: renamed });
    await this.deps.repository?.save(renamed);
    await this.refreshConversations();
  }

  async deleteConversation(id: string): Promise<void> {
    if (this.keyOf(this.snapshot.conversation) === id) this.startNewConversation();
    const repository = this.deps.repository;
    if (repository) await this.guard(() => repository.delete(id));
    await this.refreshConversations();
  }

  async refreshConversations(): Promise<void> {
    const repository = this.deps.repository;
    if (!repository) return;
    const conversations = await this.guard(() => repository.list());
    this.set({ conversations, moreConversations: repository.hasMore ?? false });
  }

  /** Lists the next page of older conversations (when the server keeps them). */
  async loadMoreConversations(): Promise<void> {
    const repository = this.deps.repository;
    if (!repository?.listMore) return;
    const conversations = await this.guard(() => repository.listMore!());
    this.set({ conversations, moreConversations: repository.hasMore ?? false });
  }

  /** Runs a repository call; a 401 from the server means the session is gone. */
  private async guard<T>(work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      if (error instanceof ApiError && error.status === 401) this.deps.onAuthRequired?.();
      throw error;
    }
  }

  /** Tells `rememberActive` which conversation is open, once it has a key. */
  private rememberOpen(conversation: Conversation): void {
    const key = this.keyOf(conversation);
    if (key !== null) this.deps.rememberActive?.(key);
  }

  private resendFrom(userIndex: number, text: string): Promise<void> {
    this.stop();
    const conversation = this.snapshot.conversation;
    const base: Conversation = { ...conversation, messages: conversation.messages.slice(0, userIndex) };
    return this.startTurn(base, text);
  }

  private async startTurn(base: Conversation, text: string, toolConfirmations?: ToolConfirmation[]): Promise<void> {
    const request = buildChatRequest(base, text, {
      timezone: this.deps.timezone?.(),
      userSettings: this.deps.userSettings?.() ?? null,
      toolConfirmations,
    });
    const now = this.now();
    const user: ChatMessage = { id: this.newId(), role: "user", content: text, createdAt: now };
    const assistant: ChatMessage = { id: this.newId(), role: "assistant", content: "", createdAt: now, status: "streaming" };
    const conversation: Conversation = { ...base, title: provisionalTitle(base, text), messages: [...base.messages, user, assistant], updatedAt: now };
    const turn: Turn = { controller: new AbortController(), assistantId: assistant.id, pending: [], flushScheduled: false, start: conversation };
    this.turn = turn;
    this.set({ conversation, streamingId: assistant.id, debug: { request, events: [] } });
    this.rememberOpen(conversation);
    void this.persist(conversation);
    await this.runTurn(turn, request);
  }

  private async runTurn(turn: Turn, request: ChatMessageRequest): Promise<void> {
    let response: Response;
    try {
      response = await this.deps.startChat(request, turn.controller.signal);
      if (!response.body) throw new Error("The server sent an empty answer.");
    } catch (error) {
      this.failTurn(turn, error, "Could not reach the server.");
      return;
    }
    const token = response.headers.get(RESUME_TOKEN_HEADER);
    if (token && this.deps.resumeChat) turn.token = token;
    await this.readTurn(turn, turn.token ? this.resumableEvents(turn, response.body, turn.token) : readChatResponses(response.body));
  }

  /** A resumable turn's events: a dropped connection re-attaches (with backoff) where it left off. */
  private resumableEvents(turn: Turn, body: ReadableStream<Uint8Array>, token: string): AsyncGenerator<ChatResponse, void, undefined> {
    const resumeChat = this.deps.resumeChat!;
    return readResumableChatResponses(body, {
      signal: turn.controller.signal,
      reopen: async (lastEventId) => {
        if (!turn.messageId) throw new ApiError(0, "The connection was lost before the answer started.");
        const response = await resumeChat(turn.messageId, token, lastEventId, turn.controller.signal);
        if (!response.body) throw new Error("The server sent an empty answer.");
        return response.body;
      },
      // An ApiError without a status (0: nothing to resume) or with a 4xx ends the answer; others are retried.
      isFinal: (error) => (error instanceof ApiError ? error.status < 500 : error instanceof Error && error.name === "AbortError"),
    });
  }

  private async readTurn(turn: Turn, events: AsyncGenerator<ChatResponse, void, undefined>): Promise<void> {
    try {
      for await (const event of events) {
        // Stopped: leave the loop, which cancels the body (the server sees the client go away).
        if (this.turn !== turn) break;
        if (event.type === "message_id" && turn.token && !turn.messageId) this.rememberPending(turn, event.content.message_id);
        this.enqueue(turn, event);
      }
      this.endTurn(turn, "done");
    } catch (error) {
      this.failTurn(turn, error, "The connection to the server was lost.");
    }
  }

  /** From now on a reload re-attaches to this turn (see resumePending). */
  private rememberPending(turn: Turn, messageId: string): void {
    turn.messageId = messageId;
    this.deps.pendingTurns?.save({ conversation: turn.start, assistantId: turn.assistantId, messageId, token: turn.token! });
  }

  private failTurn(turn: Turn, error: unknown, fallback: string): void {
    if (turn.controller.signal.aborted) {
      this.endTurn(turn, "stopped");
      return;
    }
    if (error instanceof ApiError && error.status === 401) this.deps.onAuthRequired?.();
    if (error instanceof ApiError && error.status === 400 && SIGNATURE_REJECTED.test(error.message)) {
      // The server no longer accepts this conversation's saved state (e.g. it restarted with a
      // new key). Drop it so a retry can go on without it instead of failing forever.
      const { state: _state, signature: _signature, ...rest } = this.snapshot.conversation;
      this.updateConversation(rest);
      this.endTurn(turn, "error", `${error.message}. The saved conversation state was discarded; retry to continue without it.`);
      return;
    }
    this.endTurn(turn, "error", describeFailure(error, fallback));
  }

  private enqueue(turn: Turn, event: ChatResponse): void {
    if (this.turn !== turn) return;
    turn.pending.push(event);
    if (turn.flushScheduled) return;
    turn.flushScheduled = true;
    this.deps.scheduleFrame(() => this.flush(turn));
  }

  private flush(turn: Turn): void {
    turn.flushScheduled = false;
    if (this.turn !== turn || turn.pending.length === 0) return;
    const events = turn.pending;
    turn.pending = [];
    const conversation = applyEvents(this.snapshot.conversation, turn.assistantId, events);
    this.set({ conversation, debug: this.withDebugEvents(events) });
  }

  private endTurn(turn: Turn, status: MessageStatus, error?: string): void {
    if (this.turn !== turn) return;
    this.flush(turn);
    this.turn = null;
    if (turn.token) this.deps.pendingTurns?.clear();
    const conversation = { ...finishMessage(this.snapshot.conversation, turn.assistantId, status, error), updatedAt: this.now() };
    this.set({ conversation, streamingId: null });
    // A new conversation the server keeps has its key now (the server named it while it streamed).
    this.rememberOpen(conversation);
    void this.persist(conversation);
  }

  private withDebugEvents(events: ChatResponse[]): ChatSnapshot["debug"] {
    const debug = this.snapshot.debug;
    if (!this.deps.keepDebugLog) return debug;
    const at = this.now();
    const added = events.map((event) => ({ at, event: asWireEvent(event) }));
    return { ...debug, events: [...debug.events, ...added].slice(-MAX_DEBUG_EVENTS) };
  }

  private async persist(conversation: Conversation): Promise<void> {
    const repository = this.deps.repository;
    if (!repository || conversation.messages.length === 0) return;
    try {
      // The server records the answer itself as it ends: once it has, only the list changes.
      if (repository.kind === "server") {
        if (this.turn === null) await this.refreshConversations();
        return;
      }
      await repository.save(conversation);
      await this.refreshConversations();
    } catch (error) {
      // Storage can be full or disabled (private mode); the chat itself keeps working.
      console.warn("ragbits-ui: could not save the conversation", error);
    }
  }

  private updateConversation(conversation: Conversation): void {
    if (conversation !== this.snapshot.conversation) this.set({ conversation });
  }

  private set(patch: Partial<ChatSnapshot>): void {
    this.snapshot = { ...this.snapshot, ...patch };
    for (const listener of this.listeners) listener();
  }
}

/** What the answer shows when its request failed: the server's words, or what broke in its stream. */
function describeFailure(error: unknown, fallback: string): string {
  if (error instanceof ApiError) return error.message;
  if (RagbitsProtocolError.isInstance(error)) return `The server's answer could not be read: ${error.message}`;
  return fallback;
}

function asWireEvent(event: ChatResponse): WireEvent {
  return event.type === "custom" ? { type: event.customType, content: event.content } : event;
}

// Until the server's conversation_summary arrives (older servers send none), a new conversation
// is named after its first question; the summary still replaces it.
function provisionalTitle(base: Conversation, text: string): string {
  if (base.titleSource !== "default" || base.messages.length > 0) return base.title;
  const words = text.trim().split(/\s+/);
  return words.length > 6 ? `${words.slice(0, 6).join(" ")}…` : words.join(" ");
}

function findLastIndex<T>(items: readonly T[], before: number, predicate: (item: T) => boolean): number {
  for (let i = Math.min(before, items.length) - 1; i >= 0; i--) if (predicate(items[i]!)) return i;
  return -1;
}
