import { type WireEvent } from "../../protocol/chat-response";
import { RESUMABLE_HEADER, RESUME_TOKEN_HEADER } from "../../protocol/resumable-stream";
import { type RouteInput, type Session } from "../api-context";
import { type ApiResponse, type EventStreamResponse, isEventStream, sseFrame } from "../http/api-response";
import { asWireEvents, writtenFrame } from "../turns/turn-subscriber";
import { chatRoute } from "./chat-route";

/**
 * POST /api/chat. Every event of the stream gets an SSE `id:` (1, 2, 3… within the turn; clients
 * that only read `data:` lines are unaffected). A client that sends `X-Ragbits-Resumable: 1` gets a
 * turn that survives its connection (docs/protocol.md, "Resumable streams"): the answer carries
 * `X-Ragbits-Resume-Token`, the turn runs detached from the connection, and this connection is just
 * its first reader. Any other client keeps the plain behaviour: its disconnect stops the turn.
 *
 * A turn whose request names its own `message_id` is not made resumable: a client-chosen id could
 * collide with (or squat) another turn's.
 */
export async function resumableChatRoute(input: RouteInput): Promise<ApiResponse> {
  const response = await chatRoute(input);
  if (!isEventStream(response)) return response;
  if (input.request.header(RESUMABLE_HEADER)?.trim() !== "1") return withEventIds(response);
  const events = response.events[Symbol.asyncIterator]();
  // The framework's message_id event comes first, at once (before the app runs).
  const first = await events.next();
  if (first.done) return withEventIds({ ...response, events: prepend(undefined, events) });
  const held = input.context.turns.hold({ events, first: first.value, abort: () => response.clientGone(), owner: turnOwner(input.session) });
  if (!held) return withEventIds({ ...response, events: prepend(first.value, events) });
  const subscriber = held.turn.subscribe(0);
  return {
    status: 200,
    headers: { ...response.headers, [RESUME_TOKEN_HEADER]: held.token },
    keepAliveMs: response.keepAliveMs,
    events: asWireEvents(subscriber),
    frame: writtenFrame,
    // Not a stop: the turn goes on for the grace period, waiting for its client to come back.
    clientGone: () => subscriber.detach(),
  };
}

/** Who may re-attach to or stop a turn: its user when auth is on; "" (anyone with the token) otherwise. */
export function turnOwner(session: Session): string {
  return session.user?.user_id ?? "";
}

/** The stream with an `id:` line before each event, numbered from 1. */
function withEventIds(response: EventStreamResponse): EventStreamResponse {
  const frame = response.frame ?? sseFrame;
  let id = 0;
  return { ...response, frame: (event) => `id: ${++id}\n${frame(event)}` };
}

/** `first` (if any), then the rest of `events` (only when a turn could not be held). */
async function* prepend(first: WireEvent | undefined, events: AsyncIterator<WireEvent, void, undefined>): AsyncGenerator<WireEvent, void, undefined> {
  if (first) yield first;
  try {
    for (let next = await events.next(); !next.done; next = await events.next()) yield next.value;
  } finally {
    await events.return?.();
  }
}
