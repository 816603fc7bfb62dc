import { LLMAbortedError, type LLMError, type LLMErrorContext, LLMTimeoutError } from "../errors/llm-error";

export interface CallLimits {
  /** Longest wait for a response to begin (streaming) or to complete (non-streaming), per attempt. */
  timeoutMs: number;
  /** Longest silence between two chunks once a stream has begun. */
  idleTimeoutMs: number;
}

/**
 * The abort and timeout bookkeeping of one call, shared by streaming and non-streaming paths, and
 * the one place where cancellation reaches a request. It listens directly to the two signals that
 * may cancel a call — the caller's own `signal` and the ambient one of `runWithAbortSignal` — and
 * gives each attempt a fresh AbortController for the SDK, which either signal or a timer aborts
 * (a retry must not start with an aborted signal, and a timeout must not abort the caller's).
 * SDKs react to an abort in different ways (some throw, some just end the stream), so the guard
 * remembers *why* it aborted and `toError` reports that reason, whatever the SDK did.
 */
export class CallGuard {
  private controller: AbortController | undefined;
  private completed = false;
  private timer: NodeJS.Timeout | undefined;
  private timedOutAfterMs: number | undefined;
  private phase: "response" | "idle" = "response";
  /** Ends a backoff wait early. */
  private wake: (() => void) | undefined;
  private readonly ambient: AbortSignal | undefined;
  private readonly onCallerAbort = (event: Event) => {
    this.controller?.abort((event.target as AbortSignal).reason);
    this.wake?.();
  };

  constructor(
    private readonly context: LLMErrorContext,
    private readonly limits: CallLimits,
    private readonly own: AbortSignal | undefined,
    ambient: AbortSignal | undefined,
    private readonly mapError: (error: unknown) => LLMError,
  ) {
    this.ambient = ambient === own ? undefined : ambient;
    own?.addEventListener("abort", this.onCallerAbort, { once: true });
    this.ambient?.addEventListener("abort", this.onCallerAbort, { once: true });
  }

  /** Starts an attempt: a fresh signal for the SDK and the response timer. */
  startAttempt(): AbortSignal {
    if (this.callerAborted()) throw this.abortedError();
    this.controller = new AbortController();
    this.timedOutAfterMs = undefined;
    this.arm("response");
    return this.controller.signal;
  }

  /** The response has begun: from now on only silences longer than the idle limit count. */
  responseStarted(): void {
    this.arm("idle");
  }

  /** A chunk arrived: restart the idle timer (refresh() reuses the timer; no allocation per chunk). */
  touch(): void {
    this.timer?.refresh();
  }

  /** Throws when an abort or timeout ended the attempt, even if the SDK swallowed it and ended quietly. */
  throwIfInterrupted(): void {
    if (this.timedOutAfterMs !== undefined || this.callerAborted()) throw this.toError(undefined);
  }

  /** The error to report for a failure, preferring the guard's own reasons over what the SDK threw. */
  toError(error: unknown): LLMError {
    if (this.timedOutAfterMs !== undefined) {
      const message = this.phase === "idle" ? `the stream went silent for ${this.timedOutAfterMs} ms (idleTimeoutMs)` : `no response within ${this.timedOutAfterMs} ms (timeoutMs)`;
      return new LLMTimeoutError({ ...this.context, message, timeoutMs: this.timedOutAfterMs });
    }
    if (this.callerAborted()) return this.abortedError();
    return this.mapError(error);
  }

  /** Waits before a retry; an abort by either signal cuts the wait short. */
  async backoff(ms: number): Promise<void> {
    this.clearTimer();
    if (!this.callerAborted()) {
      await new Promise<void>((resolve) => {
        this.wake = resolve;
        this.timer = setTimeout(resolve, ms);
      });
      this.wake = undefined;
      this.clearTimer();
    }
    if (this.callerAborted()) throw this.abortedError();
  }

  /** The call finished normally: nothing is left to cancel, and no timer may fire any more. */
  complete(): void {
    this.completed = true;
    this.clearTimer();
  }

  /** Ends the call: timers cleared, the in-flight request cancelled unless it completed, the signals released. */
  dispose(): void {
    this.clearTimer();
    // Aborting a finished request would only cost a DOMException and a walk through the SDK's signals.
    if (!this.completed) this.controller?.abort();
    this.own?.removeEventListener("abort", this.onCallerAbort);
    this.ambient?.removeEventListener("abort", this.onCallerAbort);
  }

  private callerAborted(): boolean {
    return this.own?.aborted === true || this.ambient?.aborted === true;
  }

  private arm(phase: "response" | "idle"): void {
    this.clearTimer();
    this.phase = phase;
    const ms = phase === "idle" ? this.limits.idleTimeoutMs : this.limits.timeoutMs;
    if (!Number.isFinite(ms) || ms <= 0) return;
    const controller = this.controller!;
    this.timer = setTimeout(() => {
      this.timedOutAfterMs = ms;
      controller.abort();
    }, ms);
    // A pending LLM timeout alone must not keep the process alive.
    this.timer.unref();
  }

  private clearTimer(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  private abortedError(): LLMAbortedError {
    return new LLMAbortedError({ ...this.context, message: "the request was aborted by the caller" });
  }
}
