/**
 * @jest-environment jsdom
 */
import { signInErrorMessage, takeSignInError } from "./sign-in-errors";

describe("sign-in errors from the OAuth2 callback", () => {
  it("explains each code the server sends, and a generic message for others", () => {
    expect(signInErrorMessage("access_denied")).toBe("Sign-in was cancelled at the provider. To use the chat, sign in and allow access.");
    expect(signInErrorMessage("not_allowed")).toMatch(/^This account is not allowed/);
    expect(signInErrorMessage("invalid_state")).toMatch(/not valid here/);
    expect(signInErrorMessage("<script>")).toBe("Sign-in failed. Please try again.");
  });

  it("takes the error from /login?error=… once, and puts the app's root address back", () => {
    window.history.replaceState(null, "", "/chat/login?error=state_reused&keep=1");
    expect(takeSignInError("http://localhost/chat/")).toBe("state_reused");
    expect(window.location.pathname + window.location.search).toBe("/chat/?keep=1");
    expect(takeSignInError("http://localhost/chat/")).toBeNull();
  });

  it("ignores an `error` parameter outside the login path (the app's own)", () => {
    window.history.replaceState(null, "", "/chat/?error=mine");
    expect(takeSignInError("http://localhost/chat/")).toBeNull();
    expect(window.location.search).toBe("?error=mine");
  });
});
