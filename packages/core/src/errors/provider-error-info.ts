import { type HeadersLike, parseRetryAfterMs, readRequestId } from "../retry/retry-after";
import { asClause } from "./error-text";
import { LLMConnectionError, type LLMError, type LLMErrorContext, LLMResponseError } from "./llm-error";
import { LLMAuthenticationError, LLMBadRequestError, LLMRateLimitError, LLMStatusError } from "./llm-status-error";
import { createRedactor, redactDeep } from "../redact/redact-secrets";

/**
 * What a provider adapter learned from an SDK error. Adapters only classify; this module turns the
 * classification into the shared error hierarchy, so status handling and redaction live in one place.
 */
export type ProviderErrorInfo =
  | {
      kind: "status";
      status: number;
      message: string;
      headers?: HeadersLike;
      requestId?: string | undefined;
      body?: unknown;
    }
  | { kind: "connection"; message: string; cause?: unknown }
  | { kind: "response"; message: string; cause?: unknown };

export interface ErrorMappingContext extends LLMErrorContext {
  /** Values that must never appear in an error (API keys). */
  secrets: readonly (string | undefined)[];
}

export function toLLMError(info: ProviderErrorInfo, context: ErrorMappingContext): LLMError {
  const { provider, model, secrets } = context;
  const redact = createRedactor(secrets);
  const message = redact(info.message || "unknown error");
  switch (info.kind) {
    case "connection":
      return new LLMConnectionError({ provider, model, message, cause: info.cause });
    case "response":
      return new LLMResponseError({ provider, model, message, cause: info.cause });
    case "status": {
      const options = {
        provider,
        model,
        statusCode: info.status,
        providerMessage: message,
        requestId: info.requestId ?? readRequestId(info.headers),
        responseBody: redactDeep(info.body, redact),
      };
      if (info.status === 401 || info.status === 403) return new LLMAuthenticationError(options);
      if (info.status === 429) return new LLMRateLimitError({ ...options, retryAfterMs: parseRetryAfterMs(info.headers) });
      if (info.status === 400 || info.status === 422) return new LLMBadRequestError(options);
      return new LLMStatusError(options);
    }
  }
}

const NETWORK_CODES = new Set(["ECONNREFUSED", "ECONNRESET", "EPIPE", "ETIMEDOUT", "ENOTFOUND", "EAI_AGAIN", "EHOSTUNREACH", "ENETUNREACH", "UND_ERR_SOCKET", "UND_ERR_CLOSED", "UND_ERR_CONNECT_TIMEOUT"]);

/** True for the errors fetch/undici raise when a connection fails or breaks mid-body. */
export function isNetworkError(error: unknown): boolean {
  for (let current: any = error, depth = 0; current && depth < 5; current = current.cause, depth++) {
    if (NETWORK_CODES.has(current.code)) return true;
    if (current instanceof TypeError && /fetch failed|terminated|network|socket/i.test(current.message)) return true;
  }
  return false;
}

/**
 * An error chain as one sentence, outermost first: "Connection error: fetch failed: connect
 * ECONNREFUSED 127.0.0.1:8080". The innermost message usually says what actually happened; each
 * part loses its closing punctuation, and a part already said (or an error code already named) is
 * not repeated.
 */
export function describeCause(error: unknown): string {
  const parts: string[] = [];
  for (let current: any = error, depth = 0; current && depth < 5; current = current.cause, depth++) {
    let text = asClause(String(current.message ?? current));
    if (current.code && !text.includes(String(current.code))) text = text ? `${text} (${current.code})` : String(current.code);
    if (text && !parts.some((part) => part.includes(text))) parts.push(text);
  }
  return parts.join(": ") || String(error);
}
