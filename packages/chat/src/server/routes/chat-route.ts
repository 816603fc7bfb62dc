import { type ChatFormat } from "@ragbits/core";
import { type ChatTurn, streamChat } from "../../interface/stream-chat";
import { type WireEvent } from "../../protocol/chat-response";
import { type ApiContext, type RouteInput, SERVER_SHUTDOWN } from "../api-context";
import { type EventStreamResponse, EVENT_STREAM_HEADERS } from "../http/api-response";
import { HttpError } from "../http/http-error";
import { readJson } from "../http/read-body";
import { ChatRequestSchema } from "../request-schemas";
import { validateBody } from "../validation";

/** POST /api/chat: validates, verifies the signed state, then streams the turn as SSE. */
export async function chatRoute({ request, session, context }: RouteInput): Promise<EventStreamResponse> {
  const body = await readJson(request, context.bodyLimit.bytes, context.bodyLimit.label);
  const turn = parseTurn(context, body, session);
  const controller = new AbortController();
  context.activeTurns.add(controller);
  return {
    status: 200,
    headers: { ...EVENT_STREAM_HEADERS },
    keepAliveMs: context.keepAliveMs,
    events: turnEvents(context, { ...turn, signal: controller.signal }, controller),
    // The client went away (or stopped the answer): the turn stops, and so does its model call.
    clientGone: () => controller.abort(),
  };
}

/** The turn's events as a client should see them: a shutdown said so, a framework failure one `error` event. Also used by /v1/chat/completions. */
export async function* turnEvents(context: ApiContext, turn: ChatTurn, controller: AbortController): AsyncGenerator<WireEvent, void, undefined> {
  const logError = (error: unknown, message: string, details: Record<string, unknown>) => context.logger.error({ err: error, ...details }, message);
  try {
    yield* streamChat(context.chat, turn, { debugMode: context.debugMode, logError });
    // A client still listening must not mistake an answer cut by a shutdown for a complete one.
    if (controller.signal.reason === SERVER_SHUTDOWN) {
      yield { type: "error", content: { message: "The server is shutting down; the answer was cut short. Please try again." } };
    }
  } catch (error) {
    // streamChat reports chat() failures in-band; reaching here is a framework bug. Never tear the stream.
    logError(error, "streaming failed", {});
    yield { type: "error", content: { message: "Internal server error" } };
  } finally {
    context.activeTurns.delete(controller);
  }
}

function parseTurn(context: ApiContext, body: unknown, session: RouteInput["session"]): Omit<ChatTurn, "signal"> {
  const request = validateBody(ChatRequestSchema, body);
  const wire = { ...request.context };
  if (wire.state !== undefined && !context.signer.verify(wire.state, wire.signature)) {
    // Unsigned state is refused too: accepting it would let a client set any state it likes.
    throw new HttpError(400, "Invalid state signature");
  }
  // Identity comes from the session only; a client cannot claim to be someone.
  delete wire.user;
  delete wire.session_id;
  const history: ChatFormat = request.history.map(({ role, content }) => ({ role, content }));
  return { message: request.message, history, context: wire, ...(session.user ? { user: session.user } : {}), ...(session.sessionId ? { sessionId: session.sessionId } : {}) };
}
