import { errorMarker, hasMarker, markClass } from "./error-marker";
import { asClause } from "./error-text";
import { LLMError, type LLMErrorContext } from "./llm-error";

const MARKERS = {
  LLMStatusError: errorMarker("LLMStatusError"),
  LLMAuthenticationError: errorMarker("LLMAuthenticationError"),
  LLMBadRequestError: errorMarker("LLMBadRequestError"),
  LLMRateLimitError: errorMarker("LLMRateLimitError"),
};

export interface LLMStatusErrorOptions extends LLMErrorContext {
  statusCode: number;
  /** The provider's own explanation, taken from its error body (secrets removed). */
  providerMessage: string;
  requestId?: string | undefined;
  /** The provider's error body (secrets removed), for logging and debugging. */
  responseBody?: unknown;
  retryable?: boolean;
}

const RETRYABLE_STATUS = (status: number) => status === 408 || status === 409 || status === 429 || status >= 500;

/** The provider answered with an HTTP error status. */
export class LLMStatusError extends LLMError {
  static {
    markClass(this, MARKERS.LLMStatusError);
  }

  static override isInstance(value: unknown): value is LLMStatusError {
    return hasMarker(value, MARKERS.LLMStatusError);
  }

  readonly statusCode: number;
  readonly requestId: string | undefined;
  readonly providerMessage: string;
  readonly responseBody: unknown;

  constructor(options: LLMStatusErrorOptions) {
    const requestPart = options.requestId ? ` (request id ${options.requestId})` : "";
    super({
      provider: options.provider,
      model: options.model,
      message: `status ${options.statusCode}: ${asClause(options.providerMessage) || "no message"}${requestPart}`,
      retryable: options.retryable ?? RETRYABLE_STATUS(options.statusCode),
    });
    this.statusCode = options.statusCode;
    this.requestId = options.requestId;
    this.providerMessage = options.providerMessage;
    this.responseBody = options.responseBody;
  }
}

/** 401 or 403: the API key is missing, wrong or lacks access. */
export class LLMAuthenticationError extends LLMStatusError {
  static {
    markClass(this, MARKERS.LLMAuthenticationError);
  }

  static override isInstance(value: unknown): value is LLMAuthenticationError {
    return hasMarker(value, MARKERS.LLMAuthenticationError);
  }
}

/** 400 or 422: the provider rejected the request itself. */
export class LLMBadRequestError extends LLMStatusError {
  static {
    markClass(this, MARKERS.LLMBadRequestError);
  }

  static override isInstance(value: unknown): value is LLMBadRequestError {
    return hasMarker(value, MARKERS.LLMBadRequestError);
  }
}

/** 429: too many requests. `retryAfterMs` is what the provider asked us to wait, when it said. */
export class LLMRateLimitError extends LLMStatusError {
  static {
    markClass(this, MARKERS.LLMRateLimitError);
  }

  static override isInstance(value: unknown): value is LLMRateLimitError {
    return hasMarker(value, MARKERS.LLMRateLimitError);
  }

  readonly retryAfterMs: number | undefined;
  constructor(options: LLMStatusErrorOptions & { retryAfterMs?: number | undefined }) {
    super(options);
    this.retryAfterMs = options.retryAfterMs;
  }
}
