/**
 * Error classes recognisable across copies of this package: `instanceof` fails when two copies are
 * loaded (the ESM and CJS builds side by side, a bundle beside node_modules). Each class marks its
 * prototype with a registry symbol, `Symbol.for("@ragbits/chat.<ClassName>")`, the same in every
 * copy, and has a static `isInstance`. The marker is a class getter, not a static block, so a
 * bundler can still drop the classes a browser app does not use. Subclass instances inherit their parents' markers through the
 * prototype chain, so `RagbitsClientError.isInstance(httpError)` is true.
 */
const ragbitsClientErrorMarker = Symbol.for("@ragbits/chat.RagbitsClientError");
const ragbitsHTTPErrorMarker = Symbol.for("@ragbits/chat.RagbitsHTTPError");
const ragbitsNetworkErrorMarker = Symbol.for("@ragbits/chat.RagbitsNetworkError");
const ragbitsAbortErrorMarker = Symbol.for("@ragbits/chat.RagbitsAbortError");
const ragbitsProtocolErrorMarker = Symbol.for("@ragbits/chat.RagbitsProtocolError");

function hasMarker(value: unknown, marker: symbol): boolean {
  return typeof value === "object" && value !== null && (value as Record<symbol, unknown>)[marker] === true;
}

/** How much of a server's text an error keeps: enough to diagnose, never megabytes. */
const MAX_TEXT = 500;

/**
 * The root of every error the client throws. Names are string literals (not `constructor.name`)
 * so they survive minifying bundlers in browser builds.
 */
export class RagbitsClientError extends Error {
  /** The class marker, on the prototype (a getter: not an own key, so errors compare and serialise as before). */
  get [ragbitsClientErrorMarker](): true {
    return true;
  }

  override name = "RagbitsClientError";

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
  }

  /** `instanceof` that also works across copies of this package. */
  static isInstance(value: unknown): value is RagbitsClientError {
    return hasMarker(value, ragbitsClientErrorMarker);
  }
}

/** One entry of a 422 answer's `detail` (FastAPI/pydantic shape, which the server mirrors). */
export interface ValidationIssue {
  type: string;
  loc: (string | number)[];
  msg: string;
  input?: unknown;
}

export interface RagbitsHTTPErrorInit {
  /** E.g. "POST http://127.0.0.1:8000/api/chat". */
  request: string;
  status: number;
  statusText: string;
  detail: string | ValidationIssue[] | undefined;
  body: string;
}

/** The server answered with a non-2xx status. */
export class RagbitsHTTPError extends RagbitsClientError {
  get [ragbitsHTTPErrorMarker](): true {
    return true;
  }

  override name = "RagbitsHTTPError";
  readonly status: number;
  readonly statusText: string;
  /** The `detail` of the JSON error body: a message, or the 422 list of validation issues. */
  readonly detail: string | ValidationIssue[] | undefined;
  /** The raw response body, truncated. */
  readonly body: string;

  constructor(init: RagbitsHTTPErrorInit) {
    super(`${init.request} failed with ${init.status}${init.statusText ? ` ${init.statusText}` : ""}${describeDetail(init)}`);
    this.status = init.status;
    this.statusText = init.statusText;
    this.detail = init.detail;
    this.body = truncateText(init.body, MAX_TEXT);
  }

  static override isInstance(value: unknown): value is RagbitsHTTPError {
    return hasMarker(value, ragbitsHTTPErrorMarker);
  }
}

/** The server could not be reached, or the connection broke while the response was read. */
export class RagbitsNetworkError extends RagbitsClientError {
  get [ragbitsNetworkErrorMarker](): true {
    return true;
  }

  override name = "RagbitsNetworkError";

  static override isInstance(value: unknown): value is RagbitsNetworkError {
    return hasMarker(value, ragbitsNetworkErrorMarker);
  }
}

/** The caller's AbortSignal fired; the HTTP request was cancelled. */
export class RagbitsAbortError extends RagbitsClientError {
  get [ragbitsAbortErrorMarker](): true {
    return true;
  }

  override name = "RagbitsAbortError";
  /** The signal's `reason`. */
  readonly reason: unknown;

  constructor(request: string, reason: unknown) {
    super(`${request} was aborted${describeReason(reason)}`, { cause: reason });
    this.reason = reason;
  }

  static override isInstance(value: unknown): value is RagbitsAbortError {
    return hasMarker(value, ragbitsAbortErrorMarker);
  }
}

/** The server's answer does not follow the protocol: not an event stream, or an event that is not valid. */
export class RagbitsProtocolError extends RagbitsClientError {
  get [ragbitsProtocolErrorMarker](): true {
    return true;
  }

  override name = "RagbitsProtocolError";
  /** The offending text (truncated by `protocolError`). */
  readonly text: string | undefined;

  constructor(message: string, options: { text?: string; cause?: unknown } = {}) {
    super(message, options);
    this.text = options.text;
  }

  static override isInstance(value: unknown): value is RagbitsProtocolError {
    return hasMarker(value, ragbitsProtocolErrorMarker);
  }
}

/** A protocol error whose message quotes the start of the offending text, and keeps a little more of it. */
export function protocolError(reason: string, text?: string): RagbitsProtocolError {
  if (text === undefined) return new RagbitsProtocolError(reason);
  return new RagbitsProtocolError(`${reason}: ${JSON.stringify(truncateText(text, 200))}`, { text: truncateText(text, MAX_TEXT) });
}

/** Shortens `text` to at most `max` characters (plus a marker), without splitting a surrogate pair. */
export function truncateText(text: string, max: number): string {
  if (text.length <= max) return text;
  let end = max;
  const code = text.charCodeAt(end - 1);
  if (code >= 0xd800 && code <= 0xdbff) end--;
  return `${text.slice(0, end)}… (${text.length} characters)`;
}

function describeDetail(init: RagbitsHTTPErrorInit): string {
  const { detail } = init;
  if (typeof detail === "string") return `: ${truncateText(detail, 300)}`;
  if (Array.isArray(detail)) return `: ${truncateText(detail.map(describeIssue).join("; "), 300)}`;
  return init.body ? `: ${truncateText(init.body, 200)}` : "";
}

function describeIssue(issue: ValidationIssue): string {
  const loc = Array.isArray(issue.loc) ? issue.loc.join(".") : "";
  return loc ? `${loc}: ${issue.msg}` : String(issue.msg);
}

function describeReason(reason: unknown): string {
  // The default reason ("This operation was aborted") says nothing the message does not.
  if (!isErrorLike(reason) || reason.name === "AbortError") return "";
  return ` (${reason.name}: ${reason.message})`;
}

/**
 * Duck-typed, not `instanceof Error`: errors from fetch, DOMException and errors from another
 * realm (an iframe, a test sandbox) fail `instanceof` there.
 */
export function isErrorLike(value: unknown): value is { name: string; message: string; cause?: unknown } {
  return typeof value === "object" && value !== null && typeof (value as Error).message === "string" && typeof (value as Error).name === "string";
}
