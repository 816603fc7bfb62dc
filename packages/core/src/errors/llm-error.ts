import { type PartialResult } from "../llm/llm-result";
import { type SchemaIssue, describeIssues } from "../structured-output/standard-schema";
import { errorMarker, hasMarker, markClass } from "./error-marker";

const MARKERS = {
  LLMError: errorMarker("LLMError"),
  LLMConfigurationError: errorMarker("LLMConfigurationError"),
  LLMInvalidPromptError: errorMarker("LLMInvalidPromptError"),
  LLMConnectionError: errorMarker("LLMConnectionError"),
  LLMTimeoutError: errorMarker("LLMTimeoutError"),
  LLMAbortedError: errorMarker("LLMAbortedError"),
  LLMEmptyResponseError: errorMarker("LLMEmptyResponseError"),
  LLMResponseError: errorMarker("LLMResponseError"),
  LLMRefusalError: errorMarker("LLMRefusalError"),
  LLMOutputParsingError: errorMarker("LLMOutputParsingError"),
};

/** Who raised an error: every LLM error names the provider and the model it was talking to. */
export interface LLMErrorContext {
  provider: string;
  model: string;
}

export interface LLMErrorOptions extends LLMErrorContext {
  message: string;
  retryable?: boolean;
  cause?: unknown;
}

/**
 * The root of every error @ragbits/core throws. `retryable` says whether the same call may succeed
 * when sent again; the built-in retry loop uses it, and so can callers.
 */
export class LLMError extends Error {
  static {
    markClass(this, MARKERS.LLMError);
  }

  readonly provider: string;
  readonly model: string;
  readonly retryable: boolean;
  /**
   * What a stream had received when it failed: text so far, the last usage the provider reported
   * (for Anthropic before its final figures, the provisional ones of message_start), the finish
   * reason and response id when they had arrived. Set on errors that end a stream.
   */
  partial?: PartialResult;

  constructor({ message, provider, model, retryable = false, cause }: LLMErrorOptions) {
    super(`${provider} (${model}): ${message}`, cause === undefined ? undefined : { cause });
    this.name = new.target.name;
    this.provider = provider;
    this.model = model;
    this.retryable = retryable;
  }

  /** `instanceof` that also works across copies of this package (ESM and CJS builds loaded side by side). */
  static isInstance(value: unknown): value is LLMError {
    return hasMarker(value, MARKERS.LLMError);
  }
}

/** The model cannot be used as configured: unknown model prefix, missing API key or SDK package. */
export class LLMConfigurationError extends LLMError {
  static {
    markClass(this, MARKERS.LLMConfigurationError);
  }

  static override isInstance(value: unknown): value is LLMConfigurationError {
    return hasMarker(value, MARKERS.LLMConfigurationError);
  }

  constructor(options: Omit<LLMErrorOptions, "retryable">) {
    super({ ...options, retryable: false });
  }
}

/** The prompt cannot be expressed in the provider's format (for example an image URL Ollama cannot take). */
export class LLMInvalidPromptError extends LLMError {
  static {
    markClass(this, MARKERS.LLMInvalidPromptError);
  }

  static override isInstance(value: unknown): value is LLMInvalidPromptError {
    return hasMarker(value, MARKERS.LLMInvalidPromptError);
  }

  constructor(options: Omit<LLMErrorOptions, "retryable">) {
    super({ ...options, retryable: false });
  }
}

/** The provider could not be reached, or the connection broke. */
export class LLMConnectionError extends LLMError {
  static {
    markClass(this, MARKERS.LLMConnectionError);
  }

  static override isInstance(value: unknown): value is LLMConnectionError {
    return hasMarker(value, MARKERS.LLMConnectionError);
  }

  constructor(options: Omit<LLMErrorOptions, "retryable">) {
    super({ ...options, retryable: true });
  }
}

/** The request took longer than `timeoutMs`, or a stream went silent for longer than `idleTimeoutMs`. */
export class LLMTimeoutError extends LLMError {
  static {
    markClass(this, MARKERS.LLMTimeoutError);
  }

  static override isInstance(value: unknown): value is LLMTimeoutError {
    return hasMarker(value, MARKERS.LLMTimeoutError);
  }

  readonly timeoutMs: number;
  constructor(options: Omit<LLMErrorOptions, "retryable"> & { timeoutMs: number }) {
    super({ ...options, retryable: true });
    this.timeoutMs = options.timeoutMs;
  }
}

/** The caller's `AbortSignal` fired. */
export class LLMAbortedError extends LLMError {
  static {
    markClass(this, MARKERS.LLMAbortedError);
  }

  static override isInstance(value: unknown): value is LLMAbortedError {
    return hasMarker(value, MARKERS.LLMAbortedError);
  }

  constructor(options: Omit<LLMErrorOptions, "retryable">) {
    super({ ...options, retryable: false });
  }
}

/** The provider answered, but with nothing: no text, no tool call. */
export class LLMEmptyResponseError extends LLMError {
  static {
    markClass(this, MARKERS.LLMEmptyResponseError);
  }

  static override isInstance(value: unknown): value is LLMEmptyResponseError {
    return hasMarker(value, MARKERS.LLMEmptyResponseError);
  }

  constructor(options: Omit<LLMErrorOptions, "retryable" | "message"> & { message?: string }) {
    super({ message: "the model returned an empty response", ...options, retryable: false });
  }
}

/** The provider's response could not be understood: a malformed frame, or a stream cut off before it completed. */
export class LLMResponseError extends LLMError {
  static {
    markClass(this, MARKERS.LLMResponseError);
  }

  static override isInstance(value: unknown): value is LLMResponseError {
    return hasMarker(value, MARKERS.LLMResponseError);
  }

  constructor(options: Omit<LLMErrorOptions, "retryable">) {
    super({ ...options, retryable: false });
  }
}

/**
 * The model refused, and the call asked for structured output (a JSON schema or JSON mode), so a
 * refusal cannot stand in for the answer. Without structured output a refusal is an answer
 * (`finishReason: "refusal"`), not an error.
 */
export class LLMRefusalError extends LLMError {
  static {
    markClass(this, MARKERS.LLMRefusalError);
  }

  static override isInstance(value: unknown): value is LLMRefusalError {
    return hasMarker(value, MARKERS.LLMRefusalError);
  }

  /** The model's explanation; "" when it gave none. */
  readonly refusal: string;
  constructor(options: Omit<LLMErrorOptions, "retryable" | "message"> & { refusal: string }) {
    super({ ...options, message: options.refusal ? `the model refused: ${options.refusal}` : "the model refused to answer", retryable: false });
    this.refusal = options.refusal;
  }
}

/**
 * Structured output was asked for, and the answer is not what the schema describes: not JSON, JSON
 * cut off (the model ran out of tokens), or JSON that fails validation. Never a silent `any`:
 * `text` is the model's raw answer, `issues` what was wrong (the schema library's issues, or one
 * issue saying why it is not JSON), `value` the parsed JSON when it was JSON. `generate*` with
 * `repair` sends these issues back to the model before giving up.
 */
export class LLMOutputParsingError extends LLMError {
  static {
    markClass(this, MARKERS.LLMOutputParsingError);
  }

  static override isInstance(value: unknown): value is LLMOutputParsingError {
    return hasMarker(value, MARKERS.LLMOutputParsingError);
  }

  /** The model's answer, exactly as it arrived. */
  readonly text: string;
  /** What is wrong with it. */
  readonly issues: readonly SchemaIssue[];
  /** The parsed JSON (before validation), or `undefined` when the answer was not JSON. */
  readonly value: unknown;

  constructor(options: Omit<LLMErrorOptions, "retryable" | "message"> & { text: string; issues: readonly SchemaIssue[]; value?: unknown; reason?: string }) {
    super({ ...options, message: `${options.reason ?? "the answer does not match the output schema"}: ${describeIssues(options.issues)}`, retryable: false });
    this.text = options.text;
    this.issues = options.issues;
    this.value = options.value;
  }
}
