const MARKER = Symbol.for("@ragbits/chat.CliError");

/**
 * A `ragbits` CLI failure the user can fix: printed as one message, without a stack trace (the
 * `cause`'s stack is printed only with --debug).
 */
export class CliError extends Error {
  readonly [MARKER] = true;

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "CliError";
  }

  /** Use instead of `instanceof`, which fails for an error made by another copy of this package. */
  static isInstance(error: unknown): error is CliError {
    return typeof error === "object" && error !== null && (error as Record<symbol, unknown>)[MARKER] === true;
  }
}
