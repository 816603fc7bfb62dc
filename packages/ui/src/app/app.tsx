import { useCallback, useEffect, useMemo, useRef, useState } from "preact/hooks";
import { ApiClient } from "../api/api-client";
import type { RagbitsConfig, User } from "@ragbits/chat/client";
import type { JsonObject } from "../util/json-types";
import { loadUserSettings, saveUserSettings } from "../chat/user-settings";
import { LoginPage } from "../components/login-page";
import { type Toast, Toasts } from "../components/toasts";
import { useTheme } from "../hooks/use-theme";
import { ChatApp } from "./chat-app";
import { createServices } from "./create-services";
import { applyPageMeta, linkServerTheme } from "./page-meta";

type Phase =
  | { kind: "loading" }
  | { kind: "failed"; message: string }
  | { kind: "signed-out"; config: RagbitsConfig; serverConversations: boolean }
  | { kind: "ready"; config: RagbitsConfig; serverConversations: boolean; user: User | null };

const TOAST_MS = 4000;

/** Loads /api/config, asks for a sign-in when auth is on, then shows the chat. */
export function App({ root }: { root: string }) {
  const api = useMemo(() => new ApiClient(root), [root]);
  const [phase, setPhase] = useState<Phase>({ kind: "loading" });
  const { theme, cycleTheme } = useTheme();
  const { toasts, notify, dismiss } = useToasts();

  const load = useCallback(async () => {
    setPhase({ kind: "loading" });
    try {
      const { config, theme, serverConversations } = await api.config();
      applyPageMeta(config);
      void linkServerTheme(api, theme);
      if (!config.authentication.enabled) return setPhase({ kind: "ready", config, serverConversations, user: null });
      const user = await api.user();
      setPhase(user ? { kind: "ready", config, serverConversations, user } : { kind: "signed-out", config, serverConversations });
    } catch (error) {
      setPhase({ kind: "failed", message: (error as Error).message || "Could not reach the server." });
    }
  }, [api]);

  useEffect(() => {
    void load();
  }, [api, load]);

  if (phase.kind === "loading") return <Centered text="Loading…" />;
  if (phase.kind === "failed") return <LoadFailed message={phase.message} onRetry={load} />;
  if (phase.kind === "signed-out") {
    const { config, serverConversations } = phase;
    return (
      <>
        <LoginPage api={api} customization={config.customization} authentication={config.authentication} onSignedIn={(user) => void signedIn(api, config, serverConversations, user, setPhase)} />
        <Toasts toasts={toasts} onDismiss={dismiss} />
      </>
    );
  }
  return (
    <>
      <Session
        key={phase.user?.user_id ?? "anonymous"}
        api={api}
        config={phase.config}
        serverConversations={phase.serverConversations}
        user={phase.user}
        notify={notify}
        theme={theme}
        onCycleTheme={cycleTheme}
        onSignedOut={() => setPhase({ kind: "signed-out", config: phase.config, serverConversations: phase.serverConversations })}
      />
      <Toasts toasts={toasts} onDismiss={dismiss} />
    </>
  );
}

// The login answer may omit the user; /api/user then says who signed in.
async function signedIn(api: ApiClient, config: RagbitsConfig, serverConversations: boolean, user: User | null, setPhase: (p: Phase) => void): Promise<void> {
  setPhase({ kind: "ready", config, serverConversations, user: user ?? (await api.user().catch(() => null)) });
}

interface SessionProps {
  api: ApiClient;
  config: RagbitsConfig;
  serverConversations: boolean;
  user: User | null;
  notify: (text: string, kind?: "info" | "error") => void;
  theme: ReturnType<typeof useTheme>["theme"];
  onCycleTheme: () => void;
  onSignedOut: () => void;
}

/** One signed-in (or anonymous) session: its own controller and conversation store. */
function Session({ api, config, serverConversations, user, notify, theme, onCycleTheme, onSignedOut }: SessionProps) {
  const [userSettings, setUserSettings] = useState<JsonObject | null>(() => loadUserSettings(config.user_settings.form));
  const settingsRef = useRef(userSettings);
  settingsRef.current = userSettings;

  const services = useMemo(
    () =>
      createServices({
        api,
        config,
        user,
        serverConversations,
        notify,
        userSettings: () => settingsRef.current,
        onAuthRequired: onSignedOut,
      }),
    // One controller for the whole session; callbacks read the latest values through refs.
    [api, config, serverConversations, user],
  );
  useEffect(() => () => services.controller.stop(), [services]);

  const logout = async () => {
    services.controller.stop();
    await api.logout().catch(() => undefined);
    onSignedOut();
  };

  return (
    <ChatApp
      services={services}
      user={user}
      theme={theme}
      onCycleTheme={onCycleTheme}
      onLogout={config.authentication.enabled ? () => void logout() : null}
      userSettings={userSettings}
      onSaveUserSettings={(values) => {
        saveUserSettings(values);
        setUserSettings(values);
        notify("Settings saved.");
      }}
    />
  );
}

function useToasts() {
  const [toasts, setToasts] = useState<Toast[]>([]);
  const nextId = useRef(1);
  const dismiss = useCallback((id: number) => setToasts((list) => list.filter((t) => t.id !== id)), []);
  const notify = useCallback(
    (text: string, kind: "info" | "error" = "info") => {
      const id = nextId.current++;
      setToasts((list) => [...list.slice(-3), { id, text, kind }]);
      setTimeout(() => dismiss(id), kind === "error" ? TOAST_MS * 2 : TOAST_MS);
    },
    [dismiss],
  );
  return { toasts, notify, dismiss };
}

function Centered({ text }: { text: string }) {
  return (
    <div class="centered" role="status">
      {text}
    </div>
  );
}

function LoadFailed({ message, onRetry }: { message: string; onRetry: () => void }) {
  return (
    <div class="centered" role="alert">
      <p>The chat could not start: {message}</p>
      <button type="button" class="button primary" onClick={onRetry}>
        Try again
      </button>
    </div>
  );
}
