import { type ChatResponse } from "../protocol/chat-response";
import { LAST_EVENT_ID_HEADER, RESUMABLE_HEADER, RESUME_TOKEN_HEADER, resumeStreamPath, stopTurnPath } from "../protocol/resumable-stream";
import { RagbitsNetworkError, RagbitsProtocolError, protocolError } from "./client-errors";
import { type ChatMessageRequest } from "./chat-request";
import { readChatResponses, readResumableChatResponses } from "./chat-response-reader";
import { type HttpTransport, type OpenResponse } from "./http-transport";
import { type ReconnectEvent, type ResumeRetryOptions, isFinalFailure } from "./resumable-sse";
import { type Redactor } from "@ragbits/core/redact";

/** How the client resumes an answer whose connection dropped (docs/protocol.md, "Resumable streams"). */
export interface ResumeOptions extends ResumeRetryOptions {
  /** Told before each attempt to re-attach to an answer whose connection dropped. */
  onReconnect?: ((event: ReconnectEvent & { messageId: string }) => void) | undefined;
}

export interface ChatStreamOptions {
  signal?: AbortSignal | undefined;
  /** Called once the server accepted the turn (a 2xx event stream), before the first event. */
  onAccepted?: () => void;
  /** Resume after a dropped connection (default: on, with ResumeOptions' defaults); `false` for disconnect = stop. */
  resume?: ResumeOptions | false | undefined;
}

/**
 * One POST /api/chat, as an async generator of typed responses. Whichever way it ends — the
 * stream ends, the caller's signal fires, the consumer breaks out of its loop, an error — the
 * HTTP request is over when the generator is: the server sees the client go away.
 *
 * Resumable by default: the request says so (`X-Ragbits-Resumable: 1`), and when the server
 * answers with a resume token a dropped connection is re-attached (with backoff) where it left off
 * instead of failing. Stopping early then also tells the server to stop (the stop endpoint), since
 * for such a turn a closed connection alone is not a stop. A server that gives no token (Python
 * Ragbits, an older server) gets the plain behaviour.
 */
export async function* streamChat(transport: HttpTransport, request: ChatMessageRequest, options: ChatStreamOptions = {}): AsyncGenerator<ChatResponse, void, undefined> {
  const resume = options.resume === false ? undefined : (options.resume ?? {});
  const open = await transport.open("POST", "/api/chat", {
    body: request,
    accept: "text/event-stream",
    signal: options.signal,
    ...(resume ? { headers: { [RESUMABLE_HEADER]: "1" } } : {}),
  });
  const token = resume ? (open.response.headers.get(RESUME_TOKEN_HEADER) ?? undefined) : undefined;
  let current = open;
  let messageId: string | undefined;
  let finished = false;
  // Without the message_id event (the first one) there is nothing to re-attach to: the drop is final.
  const tooEarly = new RagbitsNetworkError(`${open.scope.request} failed: the connection dropped before the answer's message_id arrived`);
  try {
    const body = await eventStreamBody(open);
    options.onAccepted?.();
    const responses =
      resume && token
        ? readResumableChatResponses(body, {
            ...resume,
            signal: options.signal,
            isFinal: (error) => error === tooEarly || isFinalFailure(error),
            onReconnect: (event) => resume.onReconnect?.({ ...event, messageId: messageId ?? "" }),
            reopen: async (lastEventId) => {
              if (messageId === undefined) throw tooEarly;
              const reopened = await transport.open("GET", resumeStreamPath(messageId), {
                accept: "text/event-stream",
                signal: options.signal,
                headers: { [RESUME_TOKEN_HEADER]: token, ...(lastEventId ? { [LAST_EVENT_ID_HEADER]: lastEventId } : {}) },
              });
              current.scope.dispose();
              current = reopened;
              return eventStreamBody(reopened);
            },
          })
        : readChatResponses(body);
    for await (const response of responses) {
      if (response.type === "message_id") messageId ??= response.content.message_id;
      yield response;
    }
    finished = true;
  } catch (error) {
    // The server no longer has the turn (unknown, expired, its events gone): nothing to stop.
    const status = (error as { status?: unknown } | null)?.status;
    if (status === 404 || status === 410) finished = true;
    throw redactProtocolError(current.scope.toClientError(error), current.redact);
  } finally {
    if (!finished) {
      current.scope.cancel();
      // A resumable turn outlives its connection: stopping reading must stop it on the server too.
      if (token && messageId !== undefined) await stopTurn(transport, messageId, token);
    }
    current.scope.dispose();
  }
}

/** POST /api/chat/:message_id/stop; a failure is ignored (the turn then ends after the server's grace period). */
async function stopTurn(transport: HttpTransport, messageId: string, token: string): Promise<void> {
  try {
    await transport.requestJson("POST", stopTurnPath(messageId), { headers: { [RESUME_TOKEN_HEADER]: token } });
  } catch {
    // Nothing more to do: the server stops the turn by itself when nobody re-attaches.
  }
}

/** The body, once the answer is known to be an event stream (a proxy's HTML page is not). */
async function eventStreamBody({ response, scope, redact }: OpenResponse): Promise<ReadableStream<Uint8Array>> {
  const contentType = response.headers.get("content-type") ?? "";
  if (!/^text\/event-stream\b/i.test(contentType)) {
    const text = redact(await response.text());
    throw protocolError(`${scope.request} answered ${response.status} with content type "${contentType || "none"}", not text/event-stream`, text);
  }
  if (!response.body) throw protocolError(`${scope.request} answered an event stream without a body`);
  return response.body;
}

/** Event data is the server's text: credentials it might echo are masked like in HTTP errors. */
function redactProtocolError<E extends Error>(error: E, redact: Redactor): E | RagbitsProtocolError {
  if (!RagbitsProtocolError.isInstance(error) || error.text === undefined) return error;
  const message = redact(error.message);
  const text = redact(error.text);
  if (message === error.message && text === error.text) return error;
  return new RagbitsProtocolError(message, { text, cause: error.cause });
}
