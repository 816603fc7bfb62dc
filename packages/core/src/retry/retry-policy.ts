import { type LLMError } from "../errors/llm-error";
import { LLMRateLimitError } from "../errors/llm-status-error";

export interface RetryPolicy {
  /** Retries after the first attempt. */
  maxRetries: number;
  /** First backoff step; doubles each retry. */
  initialDelayMs: number;
  /** Longest backoff step. */
  maxDelayMs: number;
  /** Longest `Retry-After` we honour. A provider asking for longer gets its error surfaced at once. */
  maxRetryAfterMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  maxRetries: 2,
  initialDelayMs: 500,
  maxDelayMs: 8_000,
  maxRetryAfterMs: 60_000,
};

/**
 * The wait before retry number `retry` (0-based) after `error`, or `undefined` when the error must
 * not be retried. Exponential backoff with jitter, unless the provider said how long to wait.
 */
export function retryDelayMs(error: LLMError, retry: number, policy: RetryPolicy, random = Math.random): number | undefined {
  if (!error.retryable || retry >= policy.maxRetries) return undefined;
  if (LLMRateLimitError.isInstance(error) && error.retryAfterMs !== undefined) {
    return error.retryAfterMs <= policy.maxRetryAfterMs ? error.retryAfterMs : undefined;
  }
  const step = Math.min(policy.initialDelayMs * 2 ** retry, policy.maxDelayMs);
  // Jitter keeps many clients that failed together from retrying together.
  return Math.round(step * (0.75 + 0.25 * random()));
}
