/**
 * Requests exactly as Ragbits' own TypeScript client (`@ragbits/api-client`, class RagbitsClient)
 * sends them, and its way of reading the answers. That package cannot be installed here (the npm
 * registry answers 404 for it), so this is written from a reading of its source, not copied:
 *
 *   deepsense-ai/ragbits @ 098d02b9ab38b40793ca07e65e1468e9f4c054c0
 *     typescript/@ragbits/api-client/src/index.ts   (makeRequest, makeStreamRequest)
 *     typescript/@ragbits/api-client/src/types.ts   (the endpoint table, ClientConfig)
 *   deepsense-ai/ragbits @ 972f52694d16ce6c86295fdfd173389a70a9e969
 *     typescript/@ragbits/api-client/src/autogen.types.ts (ChatResponse, ConfigResponse, …)
 *
 * What that client does on the wire, and what this module reproduces:
 * - Every JSON call (`makeRequest`) carries `Content-Type: application/json`, also a GET with no body
 *   and also an upload whose body is FormData (its own header wins over the multipart one);
 *   `Authorization: Bearer <token>` when the app gave it a token source; a body only when the method
 *   is not GET. A non-2xx answer rejects with `HTTP error! status: <code>` (the body is never read);
 *   a 2xx answer is parsed with `response.json()`.
 * - The chat stream (`makeStreamRequest`) is a POST with `Content-Type: application/json` and
 *   `Accept: text/event-stream`. The body is decoded as text and split on "\n"; only lines that start
 *   with `data: ` count, each parsed on its own as JSON (so an event must sit on one line). Values
 *   without both `type` and `content` are skipped; `chunked_content` is held back for reassembly
 *   instead of being delivered; unparsable lines are reported as "Error processing server response".
 *   There is no terminator event: the end of the body is the end of the answer (`onClose`). After an
 *   abort through its signal it stops quietly, reporting nothing.
 */

/** What a RagbitsClient was configured with that changes its requests. */
export interface RagbitsWireOptions {
  /** `auth.getToken`: sent as `Authorization: Bearer <token>` on every request. */
  token?: string;
}

/** One JSON call's outcome, as the client's promise settles and as it was on the wire. */
export interface JsonCallOutcome<T> {
  status: number;
  headers: Headers;
  /** What `makeRequest` resolves to (2xx only). */
  value?: T;
  /** The message `makeRequest` rejects with. */
  error?: string;
  /** The answer's body as sent (read here for the test's assertions; the client ignores it on errors). */
  rawBody: string;
}

/** `makeRequest(path, { method, body })`. */
export async function ragbitsJsonCall<T = unknown>(
  baseUrl: string,
  path: string,
  { method = "GET", body, token }: { method?: string; body?: unknown } & RagbitsWireOptions = {},
): Promise<JsonCallOutcome<T>> {
  const headers: Record<string, string> = { "Content-Type": "application/json" };
  if (token !== undefined) headers["Authorization"] = `Bearer ${token}`;
  const init: RequestInit = { method, headers };
  if (body && method !== "GET") init.body = body instanceof FormData || typeof body === "string" ? body : JSON.stringify(body);
  const response = await fetch(`${baseUrl.replace(/\/$/, "")}${path}`, init);
  const rawBody = await response.text();
  const outcome: JsonCallOutcome<T> = { status: response.status, headers: response.headers, rawBody };
  if (!response.ok) return { ...outcome, error: `HTTP error! status: ${response.status}` };
  try {
    return { ...outcome, value: JSON.parse(rawBody) as T };
  } catch (error) {
    return { ...outcome, error: (error as Error).message };
  }
}

/** An event as the client hands it to `onMessage`: `{ type, content }`, content not yet checked. */
export interface RagbitsStreamEvent {
  type: string;
  content: unknown;
}

/** Everything one `makeStreamRequest` call reported through its callbacks. */
export interface StreamCallOutcome {
  /** The HTTP status (undefined when the request itself failed). */
  status: number | undefined;
  headers: Headers | undefined;
  /** `onMessage` calls, in order. */
  messages: RagbitsStreamEvent[];
  /** `chunked_content` events, which the client reassembles instead of delivering. */
  chunks: RagbitsStreamEvent[];
  /** `data:` values the client skips because they lack `type` or `content`. */
  skipped: unknown[];
  /** `onError` messages. */
  errors: string[];
  /** Whether `onClose` was called (the body ended). */
  closed: boolean;
}

/**
 * `makeStreamRequest(path, data, callbacks, signal, customHeaders)`, resolved once the client would
 * be done. `onMessage` sees each delivered event as it arrives (a test may abort the signal there).
 */
export async function ragbitsStreamCall(
  baseUrl: string,
  path: string,
  data: unknown,
  { signal, customHeaders = {}, token, onMessage }: { signal?: AbortSignal; customHeaders?: Record<string, string>; onMessage?: (event: RagbitsStreamEvent) => void } & RagbitsWireOptions = {},
): Promise<StreamCallOutcome> {
  const outcome: StreamCallOutcome = { status: undefined, headers: undefined, messages: [], chunks: [], skipped: [], errors: [], closed: false };
  const headers: Record<string, string> = { "Content-Type": "application/json", Accept: "text/event-stream", ...customHeaders };
  if (token !== undefined) headers["Authorization"] = `Bearer ${token}`;
  let response: Response;
  try {
    response = await fetch(`${baseUrl.replace(/\/$/, "")}${path}`, { method: "POST", headers, body: JSON.stringify(data), ...(signal ? { signal } : {}) });
  } catch (error) {
    if (!signal?.aborted) outcome.errors.push((error as Error).message);
    return outcome;
  }
  outcome.status = response.status;
  outcome.headers = response.headers;
  if (!response.ok) {
    await response.body?.cancel();
    outcome.errors.push(`HTTP error! status: ${response.status}`);
    return outcome;
  }
  const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
  let pending = "";
  while (!signal?.aborted) {
    let chunk: ReadableStreamReadResult<string>;
    try {
      chunk = await reader.read();
    } catch {
      if (!signal?.aborted) outcome.errors.push("Error reading stream");
      return outcome;
    }
    if (chunk.done) {
      outcome.closed = true;
      break;
    }
    const lines = (pending + chunk.value).split("\n");
    pending = lines.pop() ?? "";
    for (const line of lines) {
      if (!line.startsWith("data: ")) continue;
      let value: unknown;
      try {
        value = JSON.parse(line.slice("data: ".length).trim());
      } catch {
        outcome.errors.push("Error processing server response");
        continue;
      }
      if (value === null || typeof value !== "object" || !("type" in value) || !("content" in value)) {
        outcome.skipped.push(value);
        continue;
      }
      const event = value as RagbitsStreamEvent;
      if (event.type === "chunked_content") {
        outcome.chunks.push(event);
        continue;
      }
      outcome.messages.push(event);
      onMessage?.(event);
    }
  }
  // After an abort the client just stops reading: the aborted fetch closes the connection itself.
  return outcome;
}

/**
 * The content each event type of the client's `ChatResponse` union (autogen.types.ts) must have:
 * field → its JSON type ("string|null" allows null). `clear_message` content is `unknown` there.
 */
const EXPECTED_CONTENT: Record<string, Record<string, string>> = {
  text: { text: "string" },
  reference: { title: "string", content: "string", url: "string|null" },
  message_id: { message_id: "string" },
  conversation_id: { conversation_id: "string" },
  conversation_summary: { summary: "string" },
  state_update: { state: "object", signature: "string" },
  live_update: { update_id: "string", type: "string", content: "object" },
  followup_messages: { messages: "array" },
  image: { id: "string", url: "string" },
  usage: { usage: "object" },
  clear_message: {},
  todo_item: { task: "object" },
  confirmation_request: { confirmation_request: "object" },
  error: { message: "string" },
};

function jsonType(value: unknown): string {
  if (value === null) return "null";
  return Array.isArray(value) ? "array" : typeof value;
}

/**
 * Why `event` does not fit the client's ChatResponse union, or undefined when it does. The UI built
 * on that client picks a handler by `type` and reads these fields without checking them.
 */
export function mismatchWithClientTypes(event: RagbitsStreamEvent): string | undefined {
  const fields = EXPECTED_CONTENT[event.type];
  if (!fields) return `type "${event.type}" is not in the client's ChatResponse union`;
  if (event.type === "clear_message") return undefined;
  if (jsonType(event.content) !== "object") return `${event.type}: content is ${jsonType(event.content)}, not an object`;
  const content = event.content as Record<string, unknown>;
  for (const [field, allowed] of Object.entries(fields)) {
    const actual = jsonType(content[field]);
    if (!allowed.split("|").includes(actual)) return `${event.type}: content.${field} is ${actual}, expected ${allowed}`;
  }
  return undefined;
}
