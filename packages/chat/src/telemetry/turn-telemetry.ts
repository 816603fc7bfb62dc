import type { Attributes, Context, Span } from "@opentelemetry/api";
import { redactSecrets } from "@ragbits/core";
import { CONVERSATION_ID_CONTEXT_KEY, INSTRUMENTATION_SCOPE, TURN, type TurnOutcome } from "./chat-attributes";
import { type ChatInstruments, chatInstruments } from "./chat-instruments";
import { type OpenTelemetryApi, openTelemetryApi } from "./open-telemetry-api";

export interface TurnInfo {
  /** The ChatInterface's class name: low-cardinality, so also a metric attribute. */
  chatName: string;
  conversationId: string;
  messageId: string;
  historyLength: number;
}

/**
 * Starts the telemetry of one chat turn: a `ragbits.chat.turn` span, a child of the span active
 * where the request is handled (the HTTP server span, when the app has HTTP instrumentation), and
 * the chat metrics. `undefined` when nothing would be recorded (no `@opentelemetry/api`, no SDK), so
 * a turn without telemetry pays one check.
 */
export function startTurnTelemetry(info: TurnInfo): TurnTelemetry | undefined {
  const api = openTelemetryApi();
  if (!api) return undefined;
  const instruments = chatInstruments(api);
  const parent = api.context.active();
  const span = api.trace.getTracer(INSTRUMENTATION_SCOPE).startSpan(
    TURN.spanName,
    {
      kind: api.SpanKind.INTERNAL,
      attributes: { [TURN.conversationId]: info.conversationId, [TURN.messageId]: info.messageId, [TURN.chatName]: info.chatName, [TURN.historyLength]: info.historyLength },
    },
    parent,
  );
  const recording = span.isRecording();
  if (!recording && !instruments) {
    span.end();
    return undefined;
  }
  return new TurnTelemetry(api, recording ? span : undefined, parent, instruments, info);
}

/**
 * One turn's span and metrics. The turn's own work (its abort scope, where `chat()` and the summary
 * run) is entered with the span active, so model calls and tool runs become its children, and
 * their spans carry the conversation id.
 */
export class TurnTelemetry {
  private readonly startedAt = performance.now();
  private firstTokenAt: number | undefined;
  private ended = false;
  private failure: unknown;
  private readonly context: Context;
  private readonly metricAttributes: Attributes;

  constructor(
    private readonly api: OpenTelemetryApi,
    private readonly span: Span | undefined,
    parent: Context,
    private readonly instruments: ChatInstruments | undefined,
    info: TurnInfo,
  ) {
    const withConversation = parent.setValue(Symbol.for(CONVERSATION_ID_CONTEXT_KEY), info.conversationId);
    this.context = span ? api.trace.setSpan(withConversation, span) : withConversation;
    this.metricAttributes = { [TURN.chatName]: info.chatName };
    instruments?.activeStreams.add(1, this.metricAttributes);
    instruments?.historyLength.record(info.historyLength, this.metricAttributes);
  }

  /** Runs `fn` with the turn's span active: what is created inside (an AsyncResource, say) keeps it. */
  enter<T>(fn: () => T): T {
    return this.api.context.with(this.context, fn);
  }

  /** The turn's first text event is being sent. */
  firstToken(): void {
    if (this.firstTokenAt !== undefined) return;
    this.firstTokenAt = performance.now();
    this.span?.addEvent(TURN.firstTokenEvent);
  }

  /** `chat()` failed with `error`; `log` reports it, with the turn's span active (its trace id in the line). */
  fail(error: unknown, log: () => void): void {
    this.failure = error;
    this.enter(log);
  }

  /** The turn is over (once): how it ended, and how many events it sent. */
  end(outcome: TurnOutcome, eventsSent: number): void {
    if (this.ended) return;
    this.ended = true;
    const error = this.failure;
    const errorType = outcome === "error" ? (error instanceof Error ? error.name : "Error") : undefined;
    const span = this.span;
    if (span) {
      span.setAttributes({ [TURN.outcome]: outcome, [TURN.eventsSent]: eventsSent });
      if (errorType) {
        span.setAttribute(TURN.errorType, errorType);
        // The app's error text, with anything shaped like a key masked: it is a server-side detail.
        span.setStatus({ code: this.api.SpanStatusCode.ERROR, message: redactSecrets(error instanceof Error ? error.message : String(error)) });
      }
      span.end();
    }
    const instruments = this.instruments;
    if (!instruments) return;
    const attributes = { ...this.metricAttributes, [TURN.outcome]: outcome, ...(errorType ? { [TURN.errorType]: errorType } : {}) };
    instruments.activeStreams.add(-1, this.metricAttributes);
    instruments.turns.add(1, attributes);
    instruments.turnDuration.record((performance.now() - this.startedAt) / 1000, attributes);
    if (this.firstTokenAt !== undefined) instruments.timeToFirstToken.record((this.firstTokenAt - this.startedAt) / 1000, this.metricAttributes);
  }
}
