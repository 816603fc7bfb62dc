/**
 * Why an OAuth2 / OpenID Connect sign-in failed. The callback sends the browser back to the UI's
 * login page with `?error=<code>` (never a message or a stack); the UI explains each code.
 */
export type SignInErrorCode =
  /** The user declined at the provider (or cancelled the sign-in there). */
  | "access_denied"
  /** The provider answered the authorization request with another error. */
  | "provider_error"
  /** The callback's `state` was never handed out here, or not for this provider: forged or mangled. */
  | "invalid_state"
  /** The callback's `state` was used already: a replayed sign-in link. */
  | "state_reused"
  /** The sign-in took longer than the time a started sign-in is kept. */
  | "state_expired"
  /** The sign-in was started in another browser (its binding cookie is missing or differs). */
  | "browser_mismatch"
  /** The callback carries no authorization code. */
  | "missing_code"
  /** The provider refused the authorization code: it expired or was used already. */
  | "code_rejected"
  /** The ID token does not verify: signature, issuer, audience (a token for another client) or nonce. */
  | "invalid_id_token"
  /** The token's times do not fit this server's clock, beyond the allowed tolerance. */
  | "clock_skew"
  /** The provider could not be reached (discovery, token or user info request failed). */
  | "provider_unavailable"
  /** The user signed in, but is not on the allow-list (emails, domains, or the app's own check). */
  | "not_allowed"
  /** The callback names a provider this server does not have. */
  | "unknown_provider"
  /** Anything else (the server log has the details). */
  | "server_error";

const MARKER = Symbol.for("@ragbits/chat.SignInError");

/** A failed OAuth2 / OpenID Connect sign-in: `code` travels to the UI, the message only to the server log. */
export class SignInError extends Error {
  readonly [MARKER] = true;
  readonly code: SignInErrorCode;

  constructor(code: SignInErrorCode, message: string, options: { cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = "SignInError";
    this.code = code;
  }

  /** Use instead of `instanceof`, which fails for an error made by another copy of this package. */
  static isInstance(error: unknown): error is SignInError {
    return typeof error === "object" && error !== null && (error as Record<symbol, unknown>)[MARKER] === true;
  }
}
