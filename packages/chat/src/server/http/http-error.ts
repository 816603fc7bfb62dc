const MARKER = Symbol.for("@ragbits/chat.HttpError");

export interface HttpErrorOptions {
  /** Extra response headers (e.g. `retry-after`). */
  headers?: Record<string, string>;
  /** The JSON body sent instead of the default `{ detail }`. */
  body?: Record<string, unknown>;
}

/**
 * An error answer: the JSON sent is `{ detail }` (as Ragbits/FastAPI answer) unless `body` says
 * otherwise. Routes throw it; the API handler turns it into the response.
 */
export class HttpError extends Error {
  private readonly [MARKER] = true;
  readonly status: number;
  readonly headers: Record<string, string>;
  readonly body: Record<string, unknown>;

  constructor(status: number, detail: unknown, options: HttpErrorOptions = {}) {
    super(typeof detail === "string" ? detail : `HTTP ${status}`);
    this.name = "HttpError";
    this.status = status;
    this.headers = options.headers ?? {};
    this.body = options.body ?? { detail };
  }

  /** True for an HttpError from any copy of this package (instanceof is not, across copies). */
  static isInstance(value: unknown): value is HttpError {
    return typeof value === "object" && value !== null && (value as Record<symbol, unknown>)[MARKER] === true;
  }
}
