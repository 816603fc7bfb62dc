import { type Request, type RequestHandler, type Response } from "express";
import { type ChatFormat } from "@ragbits/core";
import { type ChatTurn, streamChat } from "../../interface/stream-chat";
import { type ApiContext, SERVER_SHUTDOWN, type SessionLocals } from "../api-context";
import { HttpError } from "../http-error";
import { ChatRequestSchema } from "../request-schemas";
import { SseStream } from "../sse-stream";
import { validateBody } from "../validation";

/** POST /api/chat: validates, verifies the signed state, then streams the turn as SSE. */
export function chatRoute(context: ApiContext): RequestHandler {
  return async (req, res) => {
    const turn = parseTurn(context, req, res);
    const controller = new AbortController();
    context.activeTurns.add(controller);
    // 'close' before the response finished means the client went away (or stopped the answer).
    res.once("close", () => {
      if (!res.writableFinished) controller.abort();
      context.activeTurns.delete(controller);
    });
    const sse = new SseStream(res, { keepAliveMs: context.keepAliveMs });
    try {
      for await (const event of streamChat(context.chat, { ...turn, signal: controller.signal }, { debugMode: context.debugMode, logError })) {
        if (!(await sse.send(event))) break;
      }
      // A client still listening must not mistake an answer cut by a shutdown for a complete one.
      if (controller.signal.reason === SERVER_SHUTDOWN) {
        await sse.send({ type: "error", content: { message: "The server is shutting down; the answer was cut short. Please try again." } });
      }
    } catch (error) {
      // streamChat reports chat() failures in-band; reaching here is a framework bug. Never tear the stream.
      logError(error, "streaming failed", {});
      await sse.send({ type: "error", content: { message: "Internal server error" } });
    } finally {
      sse.end();
    }

    function logError(error: unknown, message: string, details: Record<string, unknown>) {
      context.logger.error({ err: error, ...details }, message);
    }
  };
}

function parseTurn(context: ApiContext, req: Request, res: Response): Omit<ChatTurn, "signal"> {
  const request = validateBody(ChatRequestSchema, req.body);
  const wire = { ...request.context };
  if (wire.state !== undefined && !context.signer.verify(wire.state, wire.signature)) {
    // Unsigned state is refused too: accepting it would let a client set any state it likes.
    throw new HttpError(400, "Invalid state signature");
  }
  // Identity comes from the session only; a client cannot claim to be someone.
  delete wire.user;
  delete wire.session_id;
  const { user, sessionId } = res.locals as SessionLocals;
  const history: ChatFormat = request.history.map(({ role, content }) => ({ role, content }));
  return { message: request.message, history, context: wire, ...(user ? { user } : {}), ...(sessionId ? { sessionId } : {}) };
}
