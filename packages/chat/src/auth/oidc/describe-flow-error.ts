import { SignInError } from "./sign-in-error";

/** What the request to the provider was doing when it failed, for the server log. */
export type FlowStep = "discovery" | "token exchange" | "user info";

/**
 * Turns what openid-client (or a provider's own request) threw into a SignInError with the code the
 * UI explains. Classified by the library's error codes and fields, never by provider-specific text.
 */
export function describeFlowError(providerName: string, step: FlowStep, error: unknown): SignInError {
  if (SignInError.isInstance(error)) return error;
  const detail = messageOf(error);
  const code = (error as { code?: unknown } | null)?.code;
  const oauthError = (error as { error?: unknown } | null)?.error;
  if (typeof oauthError === "string") {
    // An OAuth error answer from the token or user info endpoint.
    if (oauthError === "invalid_grant") {
      return new SignInError("code_rejected", `${providerName}: the provider refused the authorization code (invalid_grant: it expired, was used already, or belongs to another client or verifier): ${detail}`, { cause: error });
    }
    return new SignInError("provider_error", `${providerName}: ${step} failed with "${oauthError}": ${detail}`, { cause: error });
  }
  switch (code) {
    case "OAUTH_JWT_TIMESTAMP_CHECK_FAILED":
      return new SignInError("clock_skew", `${providerName}: the ID token's times do not fit this server's clock (allowed tolerance exceeded): ${detail}`, { cause: error });
    case "OAUTH_JWT_CLAIM_COMPARISON_FAILED":
    case "OAUTH_KEY_SELECTION_FAILED":
      return new SignInError("invalid_id_token", `${providerName}: the ID token does not verify: ${detail}`, { cause: error });
    case "OAUTH_INVALID_RESPONSE":
      if (/\bJWT\b|ID Token|id_token/i.test(detail)) return new SignInError("invalid_id_token", `${providerName}: the ID token does not verify: ${detail}`, { cause: error });
      return new SignInError("provider_error", `${providerName}: ${step} got an invalid answer: ${detail}`, { cause: error });
    case "OAUTH_RESPONSE_IS_NOT_CONFORM":
    case "OAUTH_RESPONSE_IS_NOT_JSON":
      return new SignInError("provider_unavailable", `${providerName}: ${step} got an unexpected answer from the provider: ${detail}`, { cause: error });
    case "OAUTH_HTTP_REQUEST_FORBIDDEN":
      return new SignInError("server_error", `${providerName}: the provider's URL is not https (set allowInsecureRequests only for a provider on this machine, in development): ${detail}`, { cause: error });
    default:
      break;
  }
  if (isNetworkError(error)) return new SignInError("provider_unavailable", `${providerName}: ${step} could not reach the provider: ${detail}`, { cause: error });
  return new SignInError("provider_error", `${providerName}: ${step} failed: ${detail}`, { cause: error });
}

function isNetworkError(error: unknown): boolean {
  const name = (error as { name?: unknown } | null)?.name;
  if (name === "AbortError" || name === "TimeoutError") return true;
  // fetch() rejects with TypeError("fetch failed") and the socket error as its cause.
  return error instanceof TypeError && /fetch failed/i.test(error.message);
}

function messageOf(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = (error as { cause?: unknown }).cause;
  const causeText = cause instanceof Error ? cause.message : "";
  return causeText && !error.message.includes(causeText) ? `${error.message} (${causeText})` : error.message;
}
