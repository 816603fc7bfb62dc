import { useEffect, useMemo, useRef, useState } from "preact/hooks";
import { type ApiClient } from "../api/api-client";
import type { CustomizationSettings, RagbitsConfig, User } from "@ragbits/chat/client";
import { Brand } from "./brand";
import { signInErrorMessage, takeSignInError } from "./sign-in-errors";
import { SignInProviders, signInProviders } from "./sign-in-providers";

interface Props {
  api: ApiClient;
  customization: CustomizationSettings | null;
  /** Which ways to sign in the server offers (GET /api/config's `authentication`). */
  authentication?: RagbitsConfig["authentication"];
  onSignedIn: (user: User | null) => void;
}

/**
 * Shown instead of the chat while authentication is on and there is no session: the username and
 * password form when the server has a password backend ("credentials"), a "Sign in with …" button per
 * OAuth2 provider, and the reason a provider sign-in just failed (the callback's `?error=<code>`).
 */
export function LoginPage({ api, customization, authentication, onSignedIn }: Props) {
  const [username, setUsername] = useState("");
  const [password, setPassword] = useState("");
  // Read once, before the first render: the address is cleaned right away.
  const [error, setError] = useState<string | null>(() => {
    const code = takeSignInError(new URL("../", api.url("config")).href);
    return code === null ? null : signInErrorMessage(code);
  });
  const [busy, setBusy] = useState(false);
  const usernameInput = useRef<HTMLInputElement>(null);
  const providers = useMemo(() => signInProviders(authentication?.oauth2_providers ?? []), [authentication]);
  // Older servers send no auth_types: they have the password form only.
  const types = authentication?.auth_types ?? [];
  const credentials = types.length === 0 || types.includes("credentials");
  useEffect(() => usernameInput.current?.focus(), []);

  const submit = async (event: Event) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const result = await api.login(username, password);
      if (result.success) onSignedIn(result.user);
      else setError(result.error);
    } catch {
      setError("Could not reach the server.");
    } finally {
      setBusy(false);
    }
  };

  return (
    <main class="login-page">
      <form class="login-card" onSubmit={submit} aria-labelledby="login-title">
        <Brand customization={customization} />
        <h2 id="login-title">Sign in</h2>
        {error && (
          <p class="field-error login-error" role="alert">
            {error}
          </p>
        )}
        {providers.length > 0 && <SignInProviders api={api} providers={providers} onError={setError} />}
        {credentials && providers.length > 0 && (
          <p class="login-divider" role="separator">
            <span>or</span>
          </p>
        )}
        {credentials && (
          <>
            <div class="field">
              <label class="field-label" for="login-username">
                Username
              </label>
              <input id="login-username" name="username" autoComplete="username" required value={username} ref={usernameInput} onInput={(e) => setUsername(e.currentTarget.value)} />
            </div>
            <div class="field">
              <label class="field-label" for="login-password">
                Password
              </label>
              <input id="login-password" name="password" type="password" autoComplete="current-password" required value={password} onInput={(e) => setPassword(e.currentTarget.value)} />
            </div>
            <button type="submit" class="button primary wide" disabled={busy || !username || !password}>
              {busy ? "Signing in…" : "Sign in"}
            </button>
          </>
        )}
      </form>
    </main>
  );
}
