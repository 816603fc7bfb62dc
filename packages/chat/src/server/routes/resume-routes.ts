import { LAST_EVENT_ID_HEADER, RESUME_TOKEN_HEADER } from "../../protocol/resumable-stream";
import { type RouteInput } from "../api-context";
import { EVENT_STREAM_HEADERS, type EventStreamResponse, type BodyResponse, jsonResponse } from "../http/api-response";
import { HttpError } from "../http/http-error";
import { type AttachableTurn } from "../turns/attachable-turn";
import { asWireEvents, writtenFrame } from "../turns/turn-subscriber";
import { turnOwner } from "./resumable-chat-route";

/** How long a stop request waits for the turn to end and save its partial answer before it answers anyway. */
const STOP_WAIT_MS = 5_000;

/**
 * GET /api/chat/:message_id/stream: re-attaches to a resumable turn. Replays the events after
 * `Last-Event-ID` (all of them without it), then follows the turn live until it ends.
 */
export async function resumeStreamRoute(input: RouteInput): Promise<EventStreamResponse> {
  const turn = await ownTurn(input);
  const afterId = lastEventId(input.request.header(LAST_EVENT_ID_HEADER));
  if (!turn.canReplayFrom(afterId)) throw new HttpError(410, "The events after Last-Event-ID are no longer kept: this answer cannot be resumed");
  const subscriber = turn.subscribe(afterId);
  return {
    status: 200,
    headers: { ...EVENT_STREAM_HEADERS },
    keepAliveMs: input.context.keepAliveMs,
    events: asWireEvents(subscriber),
    frame: writtenFrame,
    // Leaving again is not a stop either: the grace period starts over.
    clientGone: () => subscriber.detach(),
  };
}

/** POST /api/chat/:message_id/stop: stops a resumable turn at once (its model call too) and answers once it is saved. */
export async function stopTurnRoute(input: RouteInput): Promise<BodyResponse> {
  const turn = await ownTurn(input);
  const running = !turn.endedAt;
  let timer: ReturnType<typeof setTimeout> | undefined;
  await Promise.race([turn.stop(), new Promise<void>((resolve) => (timer = setTimeout(resolve, STOP_WAIT_MS)))]);
  clearTimeout(timer);
  return jsonResponse({ status: running ? "stopped" : "finished" });
}

/** The turn of `:message_id`, when the request carries its token and comes from its owner; 404 otherwise, whatever the reason. */
async function ownTurn({ request, session, context, params }: RouteInput): Promise<AttachableTurn> {
  const messageId = params?.message_id ?? "";
  const turn = await context.turns.find(messageId, request.header(RESUME_TOKEN_HEADER), turnOwner(session));
  // Unknown, expired, someone else's, or a wrong token: one answer, so none can be told apart.
  if (!turn) throw new HttpError(404, "No resumable answer with this id");
  return turn;
}

/** `Last-Event-ID` as a cursor: absent or empty is 0 (from the start); anything but a whole number is a 400. */
function lastEventId(header: string | undefined): number {
  const value = header?.trim() ?? "";
  if (value === "") return 0;
  if (!/^\d{1,15}$/.test(value)) throw new HttpError(400, "Last-Event-ID must be the id of an event of this stream");
  return Number(value);
}
