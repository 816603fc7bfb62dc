import { StoreError, type StoreErrorOptions, messageOf } from "../store-error";

/** Socket-level failures: the server is not there, or the network between us is not. */
const NETWORK_CODES = new Set(["ECONNREFUSED", "ECONNRESET", "ETIMEDOUT", "EHOSTUNREACH", "ENETUNREACH", "ENOTFOUND", "EAI_AGAIN", "EPIPE", "ECONNABORTED"]);

/**
 * SQLSTATEs that mean "not now" rather than "wrong request": class 08 (connection exception), the
 * server shutting down or starting (57P01-57P03), too many connections (53300), and a statement
 * cancelled by statement_timeout (57014) — a database too slow to answer is unavailable to us.
 */
const UNAVAILABLE_SQLSTATES = new Set(["57P01", "57P02", "57P03", "53300", "57014"]);

/** node-postgres's own words for a connection that failed or broke (it sets no code on these). */
const UNAVAILABLE_MESSAGES = /timeout exceeded when trying to connect|Connection terminated|connection timeout|Query read timeout|Client has encountered a connection error|Client was closed and is not queryable|the database system is (starting up|shutting down)/i;

/** SQLSTATEs of a value PostgreSQL cannot store: a NUL character in text (22021, 22P05). */
const UNSTORABLE_SQLSTATES = new Set(["22021", "22P05"]);

/** Whether a pg error means the database is unreachable or overloaded for now (retrying later may work). */
export function isUnavailable(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === "string" && (NETWORK_CODES.has(code) || UNAVAILABLE_SQLSTATES.has(code) || code.startsWith("08"))) return true;
  return UNAVAILABLE_MESSAGES.test(messageOf(error));
}

/** The StoreError class to build (HistoryStoreError for the history store). */
export type StoreErrorClass = new (options: StoreErrorOptions) => StoreError;

/** A pg failure as a StoreError: "unavailable" for outages (the API answers 503), else what `code` says. */
export function toStoreError(error: unknown, what: string, ErrorClass: StoreErrorClass = StoreError): StoreError {
  if (StoreError.isInstance(error)) return error;
  if (isUnavailable(error)) return new ErrorClass({ code: "unavailable", message: `the database is unavailable (${what}): ${messageOf(error)}`, cause: error });
  const sqlstate = (error as { code?: unknown } | null)?.code;
  if (typeof sqlstate === "string" && UNSTORABLE_SQLSTATES.has(sqlstate)) {
    return new ErrorClass({ code: "serialize-failed", message: `${what}: PostgreSQL cannot store this value (${messageOf(error)})`, cause: error });
  }
  return new ErrorClass({ code: "io-failed", message: `${what} failed: ${messageOf(error)}`, cause: error });
}
