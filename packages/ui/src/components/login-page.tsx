import { useEffect, useRef, useState } from "preact/hooks";
import { type ApiClient } from "../api/api-client";
import type { CustomizationSettings, User } from "@ragbits/chat/client";
import { Brand } from "./brand";

interface Props {
  api: ApiClient;
  customization: CustomizationSettings | null;
  onSignedIn: (user: User | null) => void;
}

/** Shown instead of the chat while authentication is on and there is no session. */
export function LoginPage({ api, customization, onSignedIn }: Props) {
  const [username, setUsername] = useState("");
  const [password, setPassword] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const usernameInput = useRef<HTMLInputElement>(null);
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
        {error && (
          <p class="field-error" role="alert">
            {error}
          </p>
        )}
        <button type="submit" class="button primary wide" disabled={busy || !username || !password}>
          {busy ? "Signing in…" : "Sign in"}
        </button>
      </form>
    </main>
  );
}
