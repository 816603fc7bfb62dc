import { type ChatFormat } from "@ragbits/core";
import { type ChatTurn, type StreamChatOptions, streamChat } from "../../interface/stream-chat";
import { type WireEvent } from "../../protocol/chat-response";
import { type ApiContext, type RouteInput, SERVER_SHUTDOWN } from "../api-context";
import { type EventStreamResponse, eventStreamHeaders } from "../http/api-response";
import { HttpError } from "../http/http-error";
import { readJson } from "../http/read-body";
import { ChatRequestSchema } from "../request-schemas";
import { validateBody } from "../validation";

/** POST /api/chat: validates, verifies the signed state, then streams the turn as SSE. */
export async function chatRoute({ request, session, context }: RouteInput): Promise<EventStreamResponse> {
  const body = await readJson(request, context.bodyLimit.bytes, context.bodyLimit.label);
  const controller = new AbortController();
  const turn = parseTurn(context, body, session, controller.signal);
  context.activeTurns.add(controller);
  return {
    status: 200,
    headers: eventStreamHeaders(),
    keepAliveMs: context.keepAliveMs,
    events: turnEvents(context, turn, controller),
    // The client went away (or stopped the answer): the turn stops, and so does its model call.
    clientGone: () => controller.abort(),
  };
}

/**
 * The turn's events as a client should see them: an answer cut by a shutdown says so. Also used by
 * /v1/chat/completions. No generator layer of its own: this is the per-event hot path.
 */
export function turnEvents(context: ApiContext, turn: ChatTurn, controller: AbortController): AsyncGenerator<WireEvent, void, undefined> {
  return streamChat(context.chat, turn, new ServedTurn(context, controller));
}

/** How a turn served over HTTP logs and ends: one object per turn (no closures held by every open stream). */
class ServedTurn implements StreamChatOptions {
  readonly debugMode: boolean;

  constructor(
    private readonly context: ApiContext,
    private readonly controller: AbortController,
  ) {
    this.debugMode = context.debugMode;
  }

  logError(error: unknown, message: string, details: Record<string, unknown>): void {
    this.context.logger.error({ err: error, ...details }, message);
  }

  /** A client still listening must not mistake an answer cut by a shutdown for a complete one. */
  closingEvent(): WireEvent | undefined {
    if (this.controller.signal.reason !== SERVER_SHUTDOWN) return undefined;
    return { type: "error", content: { message: "The server is shutting down; the answer was cut short. Please try again." } };
  }

  onEnd(): void {
    this.context.activeTurns.delete(this.controller);
  }
}

function parseTurn(context: ApiContext, body: unknown, session: RouteInput["session"], signal: AbortSignal): ChatTurn {
  const request = validateBody(ChatRequestSchema, body);
  // Identity comes from the session only; a client cannot claim to be someone.
  const { user: _user, session_id: _sessionId, ...wire } = request.context;
  if (wire.state !== undefined && !context.signer.verify(wire.state, wire.signature)) {
    // Unsigned state is refused too: accepting it would let a client set any state it likes.
    throw new HttpError(400, "Invalid state signature");
  }
  const history: ChatFormat = request.history.map(({ role, content }) => ({ role, content }));
  // One literal: every turn shares a hidden class (a spread extended with more keys gets one per object).
  return { message: request.message, history, context: wire, signal, user: session.user, sessionId: session.sessionId };
}
