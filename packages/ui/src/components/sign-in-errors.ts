/**
 * What the server's OAuth2 callback means by `?error=<code>` (it never sends a message or a stack),
 * in words for the person at the login page. Python Ragbits' codes (missing_code, invalid_state,
 * token_exchange_failed, internal_error) are understood too.
 */
const MESSAGES: Record<string, string> = {
  access_denied: "Sign-in was cancelled at the provider. To use the chat, sign in and allow access.",
  provider_error: "The sign-in provider reported an error. Please try again.",
  invalid_state: "This sign-in link is not valid here. Please start the sign-in again.",
  state_reused: "This sign-in link was already used. Please start the sign-in again.",
  state_expired: "The sign-in took too long. Please start it again.",
  browser_mismatch: "The sign-in was started in another browser or tab that is gone. Please start it again here.",
  missing_code: "The sign-in provider did not complete the sign-in. Please try again.",
  code_rejected: "The sign-in provider no longer accepts this sign-in (it expired). Please start it again.",
  token_exchange_failed: "The sign-in provider no longer accepts this sign-in. Please start it again.",
  invalid_id_token: "The sign-in provider's answer could not be verified, so you were not signed in.",
  clock_skew: "The sign-in could not be verified because the server's clock and the provider's differ. Please tell the administrator.",
  provider_unavailable: "The sign-in provider cannot be reached right now. Please try again later.",
  not_allowed: "This account is not allowed to use this chat. Sign in with another account, or ask the administrator for access.",
  unknown_provider: "That sign-in provider is not available on this server.",
  server_error: "Sign-in failed because of a problem on the server. Please try again later.",
  internal_error: "Sign-in failed because of a problem on the server. Please try again later.",
};

/** The message for a callback error code; a generic one for codes this UI does not know. */
export function signInErrorMessage(code: string): string {
  return MESSAGES[code] ?? "Sign-in failed. Please try again.";
}

/**
 * The `error` the server's callback put in the address (`<app>/login?error=<code>`), once: the page
 * then goes back to the app's root address, so a reload neither shows the error again nor stays on /login.
 */
export function takeSignInError(root: string): string | null {
  const url = new URL(window.location.href);
  if (!/\/login\/?$/.test(url.pathname)) return null;
  const code = url.searchParams.get("error");
  url.searchParams.delete("error");
  window.history.replaceState(window.history.state, "", new URL(`${new URL(root).pathname}${url.search}${url.hash}`, url.origin).href);
  return code;
}
