import { useCallback, useEffect, useState } from "preact/hooks";
import type { User } from "@ragbits/chat/client";
import type { JsonObject } from "../util/json-types";
import { AppContext, type AppServices } from "../components/app-context";
import { Composer } from "../components/composer";
import { DebugPanel } from "../components/debug-panel";
import { HeaderBar } from "../components/header-bar";
import { MessageList } from "../components/message-list";
import { SettingsDialog } from "../components/settings-dialog";
import { Sidebar } from "../components/sidebar";
import { type ThemeChoice } from "../hooks/use-theme";
import { useStore } from "../hooks/use-store";

interface Props {
  services: AppServices;
  user: User | null;
  theme: ThemeChoice;
  onCycleTheme: () => void;
  onLogout: (() => void) | null;
  userSettings: JsonObject | null;
  onSaveUserSettings: (values: JsonObject) => void;
}

/** The chat screen: sidebar (with history on), header, transcript, composer, debug panel. */
export function ChatApp({ services, user, theme, onCycleTheme, onLogout, userSettings, onSaveUserSettings }: Props) {
  const { controller, config } = services;
  const snapshot = useStore(controller.subscribe, controller.getSnapshot);
  const [sidebarOpen, setSidebarOpen] = useState(false);
  const [debugOpen, setDebugOpen] = useState(false);
  const [settingsOpen, setSettingsOpen] = useState(false);
  const streaming = snapshot.streamingId !== null;

  useStopOnEscape(services);

  // Stable callbacks, so the memoized header and sidebar are skipped on the once-per-frame
  // re-render of this screen while an answer streams.
  const closeSidebar = useCallback(() => setSidebarOpen(false), []);
  const toggleSidebar = useCallback(() => setSidebarOpen((o) => !o), []);
  const toggleDebug = useCallback(() => setDebugOpen((o) => !o), []);
  const openSettings = useCallback(() => setSettingsOpen(true), []);
  // A sidebar when conversations outlive the page: kept by the server, or in this browser.
  const history = controller.keepsConversations;
  const settingsForm = config.user_settings.form;

  return (
    <AppContext.Provider value={services}>
      <div class={`app${history ? " with-sidebar" : ""}${debugOpen ? " with-debug" : ""}`}>
        {history && (
          <Sidebar
            conversations={snapshot.conversations}
            more={snapshot.moreConversations}
            activeId={controller.keyOf(snapshot.conversation)}
            open={sidebarOpen}
            onNavigate={closeSidebar}
          />
        )}
        {history && sidebarOpen && <div class="scrim" aria-hidden="true" onClick={closeSidebar} />}
        <div class="main">
          <HeaderBar
            theme={theme}
            onCycleTheme={onCycleTheme}
            onOpenSettings={settingsForm ? openSettings : null}
            onToggleDebug={config.debug_mode ? toggleDebug : null}
            debugOpen={debugOpen}
            onToggleSidebar={history ? toggleSidebar : null}
            sidebarOpen={sidebarOpen}
            user={user}
            onLogout={onLogout}
          />
          <main class="chat" aria-label={snapshot.conversation.title}>
            <MessageList messages={snapshot.conversation.messages} streamingId={snapshot.streamingId} conversationId={snapshot.conversation.id} />
            <Composer streaming={streaming} />
          </main>
        </div>
        {config.debug_mode && debugOpen && <DebugPanel debug={snapshot.debug} conversation={snapshot.conversation} onClose={() => setDebugOpen(false)} />}
        {settingsOpen && settingsForm && (
          <SettingsDialog schema={settingsForm} values={userSettings ?? {}} onSave={onSaveUserSettings} onClose={() => setSettingsOpen(false)} />
        )}
      </div>
    </AppContext.Provider>
  );
}

/** Esc stops the answer, unless a dialog or an editor is using Esc for itself. */
function useStopOnEscape({ controller }: AppServices): void {
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.key !== "Escape" || e.defaultPrevented || !controller.isStreaming) return;
      if (document.querySelector("dialog[open]")) return;
      controller.stop();
    };
    document.addEventListener("keydown", onKey);
    return () => document.removeEventListener("keydown", onKey);
  }, [controller]);
}
