import { setTimeout as sleep } from "node:timers/promises";
import { LLMAbortedError, type LLMError, type LLMErrorContext, LLMTimeoutError } from "../errors/llm-error";

export interface CallLimits {
  /** Longest wait for a response to begin (streaming) or to complete (non-streaming), per attempt. */
  timeoutMs: number;
  /** Longest silence between two chunks once a stream has begun. */
  idleTimeoutMs: number;
}

/**
 * The abort and timeout bookkeeping of one call, shared by streaming and non-streaming paths.
 * Each attempt gets its own AbortController, linked to the caller's signal; a timer that fires
 * aborts it. SDKs react to an abort in different ways (some throw, some just end the stream), so
 * the guard remembers *why* it aborted and `toError` reports that reason, whatever the SDK did.
 */
export class CallGuard {
  private controller: AbortController | undefined;
  private completed = false;
  private timer: NodeJS.Timeout | undefined;
  private timedOutAfterMs: number | undefined;
  private readonly onCallerAbort = () => this.controller?.abort(this.callerSignal?.reason);

  constructor(
    private readonly context: LLMErrorContext,
    private readonly limits: CallLimits,
    private readonly callerSignal: AbortSignal | undefined,
    private readonly mapError: (error: unknown) => LLMError,
  ) {
    callerSignal?.addEventListener("abort", this.onCallerAbort, { once: true });
  }

  /** Starts an attempt: a fresh signal for the SDK and the response timer. */
  startAttempt(): AbortSignal {
    this.throwIfCallerAborted();
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
    if (this.timedOutAfterMs !== undefined || this.callerSignal?.aborted) throw this.toError(undefined);
  }

  /** The error to report for a failure, preferring the guard's own reasons over what the SDK threw. */
  toError(error: unknown): LLMError {
    if (this.timedOutAfterMs !== undefined) {
      const message = this.phase === "idle" ? `the stream went silent for ${this.timedOutAfterMs} ms (idleTimeoutMs)` : `no response within ${this.timedOutAfterMs} ms (timeoutMs)`;
      return new LLMTimeoutError({ ...this.context, message, timeoutMs: this.timedOutAfterMs });
    }
    if (this.callerSignal?.aborted) return this.abortedError();
    return this.mapError(error);
  }

  /** Waits before a retry; an abort by the caller cuts the wait short. */
  async backoff(ms: number): Promise<void> {
    this.clearTimer();
    try {
      await sleep(ms, undefined, this.callerSignal ? { signal: this.callerSignal } : undefined);
    } catch {
      throw this.abortedError();
    }
  }

  /** The call finished normally: nothing is left to cancel. */
  complete(): void {
    this.completed = true;
  }

  /** Ends the call: timers cleared, the in-flight request cancelled unless it completed, the caller's signal released. */
  dispose(): void {
    this.clearTimer();
    // Aborting a finished request would only cost a DOMException and a walk through the SDK's signals.
    if (!this.completed) this.controller?.abort();
    this.callerSignal?.removeEventListener("abort", this.onCallerAbort);
  }

  private phase: "response" | "idle" = "response";

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

  private throwIfCallerAborted(): void {
    if (this.callerSignal?.aborted) throw this.abortedError();
  }

  private abortedError(): LLMAbortedError {
    return new LLMAbortedError({ ...this.context, message: "the request was aborted by the caller" });
  }
}
