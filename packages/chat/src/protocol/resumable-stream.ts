/**
 * Resumable streams (docs/protocol.md, "Resumable streams"): the names both ends agree on. A client
 * that can resume announces it when it starts a turn; the answer then carries the turn's token,
 * which re-attaches to (GET /api/chat/:message_id/stream) or stops (POST /api/chat/:message_id/stop)
 * that turn. Every event of a turn carries an SSE `id:`, the cursor a re-attach sends back.
 */

/** Request header of POST /api/chat: `1` asks for a turn that survives a dropped connection. */
export const RESUMABLE_HEADER = "x-ragbits-resumable";

/** Response header of a resumable turn, and request header of its re-attach and stop requests. */
export const RESUME_TOKEN_HEADER = "x-ragbits-resume-token";

/** The standard SSE request header: the id of the last event the client received. */
export const LAST_EVENT_ID_HEADER = "last-event-id";

/** The path that re-attaches to a turn's stream. */
export function resumeStreamPath(messageId: string): string {
  return `/api/chat/${encodeURIComponent(messageId)}/stream`;
}

/** The path that stops a turn at once. */
export function stopTurnPath(messageId: string): string {
  return `/api/chat/${encodeURIComponent(messageId)}/stop`;
}

/**
 * The SSE comment (`: end`) that closes the stream of a resumable turn once the turn is over. A
 * body that ends without it was cut (a dropped connection, a proxy timeout, a replica gone), even
 * when it ended cleanly at an event boundary: the client re-attaches. Clients that do not resume
 * ignore comments, as SSE says.
 */
export const STREAM_END_COMMENT = "end";
