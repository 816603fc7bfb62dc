import { type ChatFormat } from "@ragbits/core";
import { type ChatContext, ChatInterface, type ChatResponse, type FeedbackConfig, type FeedbackType, type RagbitsAPIOptions } from "../../src";
import { type StartedApi, startApi } from "./start-api";

/** One call of `chat()` as the app saw it, once the real server had parsed and verified the request. */
export interface SeenTurn {
  message: string;
  history: ChatFormat;
  context: ChatContext;
  /** Resolves once the app's generator is over, however it ended (its `finally` ran). */
  ended: Promise<void>;
}

/** What the app answers in one scenario: any iterable of responses, sync or async. */
export type ChatScript = (turn: SeenTurn, chat: ScriptedChat) => Iterable<ChatResponse> | AsyncIterable<ChatResponse>;

export interface ScriptedChatOptions {
  feedbackConfig?: FeedbackConfig;
  /** Runs inside `saveFeedback`: a test can make the server slow to answer. */
  onFeedback?: (feedback: SeenFeedback) => void | Promise<void>;
}

export interface SeenFeedback {
  messageId: string;
  feedback: FeedbackType;
  payload: Record<string, unknown>;
}

/**
 * The smallest ChatInterface a client test needs: its answer is a function of the turn, and it
 * records every turn and every feedback the real server handed to it.
 */
export class ScriptedChat extends ChatInterface {
  readonly turns: SeenTurn[] = [];
  readonly feedback: SeenFeedback[] = [];

  constructor(
    private readonly script: ChatScript,
    private readonly scriptOptions: ScriptedChatOptions = {},
  ) {
    super();
    if (scriptOptions.feedbackConfig) this.feedbackConfig = scriptOptions.feedbackConfig;
  }

  async *chat(message: string, history: ChatFormat, context: ChatContext): AsyncGenerator<ChatResponse> {
    let markEnded!: () => void;
    const turn: SeenTurn = { message, history, context, ended: new Promise<void>((resolve) => (markEnded = resolve)) };
    this.turns.push(turn);
    try {
      yield* this.script(turn, this);
    } finally {
      markEnded();
    }
  }

  override async saveFeedback(messageId: string, feedback: FeedbackType, payload: Record<string, unknown>): Promise<void> {
    const seen = { messageId, feedback, payload };
    this.feedback.push(seen);
    await this.scriptOptions.onFeedback?.(seen);
  }
}

/** Resolves when `signal` aborts: a script awaits it to keep its stream open until the client goes away. */
export function untilAborted(signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.resolve();
  return new Promise((resolve) => signal.addEventListener("abort", () => resolve(), { once: true }));
}

export function pause(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** A promise and the function that resolves it: a gate a test opens when it wants to. */
export function gate(): { opened: Promise<void>; open: () => void } {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => (open = resolve));
  return { opened, open };
}

export interface ScriptedServer extends StartedApi {
  chat: ScriptedChat;
}

/** A real RagbitsAPI serving a ScriptedChat (see `startApi`). The caller closes it. */
export async function serveScript(script: ChatScript, options: RagbitsAPIOptions & ScriptedChatOptions = {}): Promise<ScriptedServer> {
  const { feedbackConfig, onFeedback, ...apiOptions } = options;
  const chat = new ScriptedChat(script, { feedbackConfig, onFeedback });
  return { ...(await startApi(chat, apiOptions)), chat };
}
