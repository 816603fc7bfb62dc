import { RagbitsAbortError, RagbitsClientError, RagbitsNetworkError, isErrorLike } from "./client-errors";

/**
 * The lifetime of one HTTP request: its own AbortController, linked to the caller's signal, so the
 * request can be cancelled either by the caller (an error for them) or by the client itself when
 * the caller stops reading (no error). Failures are classified here, in one place.
 */
export class RequestScope {
  private readonly controller = new AbortController();
  private readonly onCallerAbort = () => this.controller.abort(this.callerSignal?.reason);

  constructor(
    /** E.g. "POST http://127.0.0.1:8000/api/chat"; never includes headers. */
    readonly request: string,
    private readonly callerSignal: AbortSignal | undefined,
  ) {
    callerSignal?.addEventListener("abort", this.onCallerAbort, { once: true });
  }

  /** The signal to hand to fetch. */
  get signal(): AbortSignal {
    return this.controller.signal;
  }

  throwIfAborted(): void {
    if (this.callerSignal?.aborted) throw new RagbitsAbortError(this.request, this.callerSignal.reason);
  }

  /** Cancels the request because the client no longer needs it (the caller stopped reading). */
  cancel(): void {
    this.controller.abort();
  }

  /** Stops listening to the caller's signal, which may outlive this request by far. */
  dispose(): void {
    this.callerSignal?.removeEventListener("abort", this.onCallerAbort);
  }

  /** The client error for a failure of fetch or of reading the body. */
  toClientError(error: unknown): RagbitsClientError {
    if (RagbitsClientError.isInstance(error)) return error;
    if (this.callerSignal?.aborted) return new RagbitsAbortError(this.request, this.callerSignal.reason);
    return new RagbitsNetworkError(`${this.request} failed: ${describeFailure(error)}`, { cause: error });
  }
}

/** fetch reports "fetch failed" / "terminated"; the useful part (ECONNREFUSED…) is in its cause. */
function describeFailure(error: unknown): string {
  if (!isErrorLike(error)) return String(error);
  const { cause } = error;
  const detail = isErrorLike(cause) ? cause.message : typeof cause === "string" ? cause : "";
  return detail && detail !== error.message ? `${error.message} (${detail})` : error.message;
}
