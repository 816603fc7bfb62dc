import { type ErrorRequestHandler } from "express";
import { type Logger } from "pino";

/**
 * An error answer: `body` is the JSON sent (by default `{ detail }`, as Ragbits/FastAPI answer).
 * Routes throw it; the error handler turns it into the response.
 */
export class HttpError extends Error {
  readonly body: Record<string, unknown>;

  constructor(
    readonly status: number,
    detail: unknown,
    readonly headers: Record<string, string> = {},
    body?: Record<string, unknown>,
  ) {
    super(typeof detail === "string" ? detail : `HTTP ${status}`);
    this.body = body ?? { detail };
  }
}

/** Errors body-parser raises on bad input, as the 4xx a client can act on (multipart errors: upload-route.ts). */
function clientInputError(error: any, bodyLimit: string | number): HttpError | undefined {
  switch (error?.type) {
    case "entity.too.large":
      return new HttpError(413, `Request body is larger than the limit (${bodyLimit})`);
    case "encoding.unsupported":
    case "charset.unsupported":
      return new HttpError(415, `Unsupported body encoding: ${error.message}`);
    case "request.aborted":
    case "request.size.invalid":
    case "stream.encoding.set":
      return new HttpError(400, `Could not read the request body: ${error.message}`);
  }
  const status = error?.status ?? error?.statusCode;
  if (typeof status === "number" && status >= 400 && status < 500) return new HttpError(status, error.expose ? error.message : "Bad request");
  return undefined;
}

/** The last middleware: every error becomes a JSON answer; only unexpected ones are 500 (and logged). */
export function errorHandler(logger: Logger, bodyLimit: string | number): ErrorRequestHandler {
  return (error, req, res, next) => {
    // A streaming response already started: its errors are reported in-band, the connection just ends.
    if (res.headersSent) return next(error);
    const known = error instanceof HttpError ? error : clientInputError(error, bodyLimit);
    if (known) {
      res.status(known.status).set(known.headers).json(known.body);
      return;
    }
    logger.error({ err: error, method: req.method, path: req.path }, "request failed");
    res.status(500).json({ detail: "Internal server error" });
  };
}
