import { type ChatResponse } from "../protocol/chat-response";
import { RagbitsProtocolError, protocolError } from "./client-errors";
import { type ChatMessageRequest } from "./chat-request";
import { readChatResponses } from "./chat-response-reader";
import { type HttpTransport, type OpenResponse } from "./http-transport";
import { type Redactor } from "@ragbits/core/redact";

export interface ChatStreamOptions {
  signal?: AbortSignal;
  /** Called once the server accepted the turn (a 2xx event stream), before the first event. */
  onAccepted?: () => void;
}

/**
 * One POST /api/chat, as an async generator of typed responses. Whichever way it ends — the
 * stream ends, the caller's signal fires, the consumer breaks out of its loop, an error — the
 * HTTP request is over when the generator is: the server sees the client go away.
 */
export async function* streamChat(transport: HttpTransport, request: ChatMessageRequest, options: ChatStreamOptions = {}): AsyncGenerator<ChatResponse, void, undefined> {
  const open = await transport.open("POST", "/api/chat", { body: request, accept: "text/event-stream", signal: options.signal });
  let finished = false;
  try {
    const body = await eventStreamBody(open);
    options.onAccepted?.();
    yield* readChatResponses(body);
    finished = true;
  } catch (error) {
    throw redactProtocolError(open.scope.toClientError(error), open.redact);
  } finally {
    if (!finished) open.scope.cancel();
    open.scope.dispose();
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
