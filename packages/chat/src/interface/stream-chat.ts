import { AsyncResource } from "node:async_hooks";
import { randomUUID } from "node:crypto";
import { type ChatFormat, runWithAbortSignal } from "@ragbits/core";
import { type ChatResponse, type WireEvent, toWireEvent } from "../protocol/chat-response";
import { type InteractionRecord } from "../history/history-persistence";
import { type ChatRequestContext } from "../protocol/chat-request";
import { type ChatContext, type User } from "./chat-context";
import { type ChatInterface } from "./chat-interface";
import { splitDataImage } from "./chunk-images";
import { describeErrorForUser } from "./describe-error";
import { firstWordsSummary } from "./summary-generator";
import { type TurnTelemetry, startTurnTelemetry } from "../telemetry/turn-telemetry";

/** The request context as it arrives on the wire (validated, snake_case). */
export type WireContext = ChatRequestContext;

export interface ChatTurn {
  message: string;
  history: ChatFormat;
  context: WireContext;
  /** Aborted when the client goes away. */
  signal: AbortSignal;
  user?: User;
  sessionId?: string;
}

export interface StreamChatOptions {
  debugMode: boolean;
  /** Where failures of `chat()`, the summary generator and persistence are reported. */
  logError: (error: unknown, message: string, details: Record<string, unknown>) => void;
  /** Asked once the turn has ended and been saved: a last event for a client still listening (e.g. "the server is shutting down"). */
  closingEvent?: () => WireEvent | undefined;
  /** Called once when the stream is over: its last event was handed out, or the consumer stopped early. */
  onEnd?: () => void;
}

/** The error behind each `error` event a turn sent (e.g. for an HTTP status where the transport can still give one). */
const failures = new WeakMap<WireEvent, unknown>();

/** What made `chat()` fail, for an `error` event a turn produced; undefined for any other event. */
export function failureBehind(event: WireEvent): unknown {
  return failures.get(event);
}

const KNOWN_CONTEXT_KEYS = new Set(["conversation_id", "message_id", "state", "signature", "timezone", "user_settings", "tool_confirmations", "user", "session_id"]);

type Step = IteratorResult<WireEvent, void>;
const DONE: Step = Object.freeze({ value: undefined, done: true });

/**
 * Runs one chat turn and yields the events to send, in protocol order: the framework's ids and
 * summary, then the app's responses (data: images split into chunks). Failures of `chat()` become
 * one `error` event. The interaction is saved when the turn ends, however it ends.
 * Transport-neutral: an adapter only serialises what this yields.
 *
 * Cancellation has one path: `turn.signal` (aborted by the transport when the client goes away).
 * Every step of the app runs inside that signal's abort scope (`runWithAbortSignal`, captured once
 * per turn), where each LLM call listens to it directly; the turn stops waiting for the app the
 * moment it aborts and calls the app generator's `return()`. `context.signal` is that same signal,
 * for the app's own cancellable work.
 */
export function streamChat(chat: ChatInterface, turn: ChatTurn, options: StreamChatOptions): AsyncGenerator<WireEvent, void, undefined> {
  return new TurnEvents(chat, turn, options);
}

/**
 * The turn as an async iterator written out by hand rather than as an `async function*`: this is
 * the server's per-event hot path, and a generator layer costs several promises and resumptions
 * per event (each one also instrumented by Node 20's AsyncLocalStorage promise hook). Here an event
 * costs the promise `next()` returns (settled by the app's step, or at once by an abort) and one
 * reaction on the app's own `next()`. It behaves as the generator it replaces did: a call made
 * while a step is in flight waits for it, `return()` ends the turn early (and saves it), and every
 * `next()` after the end is done.
 *
 * The abort scope is captured once per turn, in an AsyncResource created inside
 * `runWithAbortSignal`, and re-entered for each step: an async generator resumes in the async
 * context of whoever calls `next()`, not the one it was created in.
 */
class TurnEvents implements AsyncGenerator<WireEvent, void, undefined> {
  private readonly record: InteractionRecord;
  private readonly context: ChatContext;
  private readonly scope: AsyncResource;
  /** The framework's ids, not handed out yet (they are not part of the saved interaction). */
  private readonly preamble: WireEvent[] = [];
  /** App events made but not handed out yet: the further pieces of a split image. */
  private readonly ready: WireEvent[] = [];
  /** "failed": the error event was handed out; the turn ends (as an error) on the next call. */
  private stage: "summary" | "responses" | "failed" | "ended";
  private responses: AsyncGenerator<ChatResponse, void, undefined> | undefined;
  /** Settles the step in flight (the summary, or one `next()` of the app); undefined between steps. */
  private settle: ((step: Step | Promise<Step>) => void) | undefined;
  /** Calls made while a step was in flight, run in order once it settled. */
  private readonly waiting: Array<() => void> = [];
  private ending: Promise<void> | undefined;
  private closingAsked = false;
  private ended = false;
  /** The turn's span and metrics (OpenTelemetry), when an SDK records them. */
  private readonly telemetry: TurnTelemetry | undefined;
  /** App events (and the error event) handed out. */
  private sent = 0;

  constructor(
    private readonly chat: ChatInterface,
    private readonly turn: ChatTurn,
    private readonly options: StreamChatOptions,
  ) {
    const startedAt = Date.now();
    const messageId = turn.context.message_id || randomUUID();
    const conversationId = turn.context.conversation_id || randomUUID();
    this.record = {
      conversationId,
      messageId,
      message: turn.message,
      history: turn.history,
      response: "",
      events: [],
      context: persistableContext(turn.context, messageId, conversationId),
      startedAt,
      finishedAt: startedAt,
      status: "completed",
    };
    // The owner: a HistoryStore files the conversation under this user (GET /api/conversations).
    if (turn.user) this.record.userId = turn.user.user_id;
    this.context = toChatContext(turn, messageId, conversationId);
    if (!turn.context.message_id) this.preamble.push({ type: "message_id", content: { message_id: messageId } });
    if (!turn.context.conversation_id) this.preamble.push({ type: "conversation_id", content: { conversation_id: conversationId } });
    // A new conversation gets a summary: often a model call, cancelled with the turn like chat() itself.
    this.stage = turn.context.conversation_id ? "responses" : "summary";
    // Removed when the turn ends (no `once`: that option costs a wrapper object per held stream).
    turn.signal.addEventListener("abort", this.onAbort);
    this.telemetry = startTurnTelemetry({ chatName: chat.constructor.name, conversationId, messageId, historyLength: turn.history.length });
    const createScope = () => runWithAbortSignal(turn.signal, () => new AsyncResource("ragbits.chat-turn"));
    // Created with the turn's span active, the scope carries it into every step: model calls and tools nest under the turn.
    this.scope = this.telemetry ? this.telemetry.enter(createScope) : createScope();
  }

  next(): Promise<Step> {
    if (this.settle) return this.afterStep(() => this.next());
    if (this.preamble.length > 0) return Promise.resolve({ value: this.preamble.shift()!, done: false });
    const event = this.ready.shift();
    if (event) return Promise.resolve(this.handOut(event));
    if (this.stage === "failed") return this.end("error");
    if (this.stage === "ended" || this.turn.signal.aborted) return this.end("completed");
    if (this.stage === "responses" && !this.responses) {
      try {
        this.responses = this.scope.runInAsyncScope(this.chat.chat, this.chat, this.turn.message, this.turn.history, this.context);
      } catch (error) {
        return Promise.resolve(this.fail(error));
      }
    }
    return this.step();
  }

  /** The consumer stops early (the client went away): the app is ended and the turn saved. */
  return(): Promise<Step> {
    if (this.settle) return this.afterStep(() => this.return());
    if (this.stage !== "ended") this.stopApp();
    // Nobody reads a closing event any more.
    this.closingAsked = true;
    return this.end(this.stage === "failed" ? "error" : "completed");
  }

  throw(error: unknown): Promise<Step> {
    return this.return().then(() => Promise.reject(error));
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.return();
  }

  /**
   * One step of the stage, run in the abort scope: the summary, or one `next()` of the app. The
   * promise this returns is also the abort race: an abort settles it at once with the turn's end.
   * No closure is made per step (this runs once per event).
   */
  private step(): Promise<Step> {
    const step = new Promise<Step>(this.capture);
    let pending: PromiseLike<unknown>;
    try {
      pending =
        this.stage === "summary"
          ? this.scope.runInAsyncScope(summarize, undefined, this.chat, this.turn, this.options)
          : this.scope.runInAsyncScope(this.responses!.next, this.responses);
    } catch (error) {
      pending = Promise.reject(error);
    }
    // Promise.resolve returns a native promise as it is, and makes a thenable (or a plain value) one.
    Promise.resolve(pending).then(this.onStepValue, this.onStepError);
    return step;
  }

  private readonly capture = (settle: (step: Step | Promise<Step>) => void) => {
    this.settle = settle;
  };

  private readonly onStepValue = (value: unknown) => {
    const settle = this.settle;
    // Undefined: the turn was aborted while the step ran; its end is the answer already given.
    if (!settle) return;
    this.settle = undefined;
    let step: Step | Promise<Step>;
    try {
      step = this.stage === "summary" ? this.summarized(value as string) : this.responded(value as IteratorResult<ChatResponse, void>);
    } catch (error) {
      step = this.fail(error);
    }
    settle(step);
    this.runWaiting();
  };

  private readonly onStepError = (error: unknown) => {
    const settle = this.settle;
    if (!settle) return;
    this.settle = undefined;
    settle(this.fail(error));
    this.runWaiting();
  };

  private responded(next: IteratorResult<ChatResponse, void>): Step | Promise<Step> {
    if (next.done) return this.end("completed");
    const pieces = splitDataImage(next.value);
    if (!pieces) return this.handOut(toWireEvent(next.value));
    for (let index = 1; index < pieces.length; index++) this.ready.push(toWireEvent(pieces[index]!));
    return this.handOut(toWireEvent(pieces[0]!));
  }

  private summarized(summary: string): Step {
    this.stage = "responses";
    return { value: { type: "conversation_summary", content: { summary } }, done: false };
  }

  private readonly onAbort = () => {
    if (this.stage === "ended") return;
    this.stopApp();
    const settle = this.settle;
    if (!settle) return;
    // Stop waiting for the app (or the summary) now: it may be stuck in work that ignores the signal.
    this.settle = undefined;
    settle(this.end("completed"));
    this.runWaiting();
  };

  /** Ends the app's generator; queued behind whatever it awaits now (the abort signal ends that wait). */
  private stopApp(): void {
    this.responses?.return(undefined).catch(() => undefined);
  }

  /** An app event (or the error event) leaves: it becomes part of the saved interaction. */
  private handOut(event: WireEvent): Step {
    this.sent++;
    if (event.type === "text") {
      if (this.record.response === "") this.telemetry?.firstToken();
      this.record.response += (event.content as { text: string }).text;
    } else this.record.events.push(event);
    return { value: event, done: false };
  }

  /** chat() failed: one `error` event, then the end (a failure caused by an abort is just the abort). */
  private fail(error: unknown): Step | Promise<Step> {
    if (this.turn.signal.aborted) return this.end("completed");
    this.stage = "failed";
    this.record.error = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    const log = () => this.options.logError(error, "chat() failed", { conversationId: this.record.conversationId, messageId: this.record.messageId });
    // Logged with the turn's span active: the line carries its trace id.
    if (this.telemetry) this.telemetry.fail(error, log);
    else log();
    const event: WireEvent = { type: "error", content: { message: describeErrorForUser(error, this.options.debugMode) } };
    failures.set(event, error);
    return this.handOut(event);
  }

  /**
   * The turn ends: saved once, then its closing event (if any), then done. A turn that ended
   * without a failure after its signal aborted (the client went away) counts as aborted.
   */
  private end(status: "completed" | "error"): Promise<Step> {
    if (!this.ending) {
      this.stage = "ended";
      this.preamble.length = 0;
      this.ready.length = 0;
      this.turn.signal.removeEventListener("abort", this.onAbort);
      this.record.status = status === "completed" && this.turn.signal.aborted ? "aborted" : status;
      this.record.finishedAt = Date.now();
      this.telemetry?.end(this.record.status, this.sent);
      this.ending = save(this.chat, this.record, this.options);
    }
    return this.ending.then(this.afterEnd);
  }

  private readonly afterEnd = (): Step => {
    if (!this.closingAsked) {
      this.closingAsked = true;
      const event = this.options.closingEvent?.();
      if (event) return { value: event, done: false };
    }
    if (!this.ended) {
      this.ended = true;
      this.options.onEnd?.();
    }
    return DONE;
  };

  private afterStep(call: () => Promise<Step>): Promise<Step> {
    return new Promise<Step>((resolve) => this.waiting.push(() => resolve(call())));
  }

  private runWaiting(): void {
    // A waiting call may start a step of its own; the rest then wait for that one.
    while (this.waiting.length > 0 && !this.settle) this.waiting.shift()!();
  }
}

async function summarize(chat: ChatInterface, turn: ChatTurn, options: StreamChatOptions): Promise<string> {
  try {
    return await chat.summaryGenerator(turn.message, turn.history);
  } catch (error) {
    options.logError(error, "summaryGenerator failed; using the first words of the message", {});
    return firstWordsSummary(turn.message, turn.history) as string;
  }
}

/** Never rejects: the end of a turn must not tear its stream. */
async function save(chat: ChatInterface, record: InteractionRecord, options: StreamChatOptions): Promise<void> {
  try {
    if (!chat.historyPersistence) return;
    await chat.historyPersistence.saveInteraction(record);
  } catch (error) {
    options.logError(error, "saving the interaction failed", { conversationId: record.conversationId, messageId: record.messageId });
  }
}

function toChatContext(turn: ChatTurn, messageId: string, conversationId: string): ChatContext {
  const wire = turn.context;
  const extra: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(wire)) if (!KNOWN_CONTEXT_KEYS.has(key)) extra[key] = value;
  const context: ChatContext = {
    conversationId,
    messageId,
    state: wire.state ?? {},
    userSettings: wire.user_settings ?? {},
    toolConfirmations: wire.tool_confirmations ?? [],
    signal: turn.signal,
    extra,
  };
  if (wire.timezone) context.timezone = wire.timezone;
  if (turn.user) context.user = turn.user;
  if (turn.sessionId) context.sessionId = turn.sessionId;
  return context;
}

function persistableContext(wire: WireContext, messageId: string, conversationId: string): Record<string, unknown> {
  const { signature: _signature, ...rest } = wire;
  return { ...rest, message_id: messageId, conversation_id: conversationId };
}
