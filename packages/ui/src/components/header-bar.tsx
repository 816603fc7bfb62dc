import { memo } from "preact/compat";
import type { User } from "@ragbits/chat/client";
import { type ThemeChoice } from "../hooks/use-theme";
import { useServices } from "./app-context";
import { Brand } from "./brand";
import { Icon, type IconName } from "./icon";

interface Props {
  theme: ThemeChoice;
  onCycleTheme: () => void;
  onOpenSettings: (() => void) | null;
  onToggleDebug: (() => void) | null;
  debugOpen: boolean;
  onToggleSidebar: (() => void) | null;
  sidebarOpen: boolean;
  user: User | null;
  onLogout: (() => void) | null;
}

const THEME_ICON: Record<ThemeChoice, IconName> = { system: "system", light: "sun", dark: "moon" };
const THEME_LABEL: Record<ThemeChoice, string> = { system: "Theme: system", light: "Theme: light", dark: "Theme: dark" };

/** The top bar. Memoized, like the sidebar and composer: the chat screen renders once per streamed frame. */
export const HeaderBar = memo(function HeaderBar(props: Props) {
  const { config } = useServices();
  return (
    <header class="topbar">
      {props.onToggleSidebar && (
        <button type="button" class="icon-button sidebar-toggle" aria-label="Conversations" aria-expanded={props.sidebarOpen} aria-controls="sidebar" onClick={props.onToggleSidebar}>
          <Icon name="menu" />
        </button>
      )}
      <Brand customization={config.customization} />
      <div class="topbar-actions">
        {props.onOpenSettings && (
          <button type="button" class="icon-button" aria-label="Chat settings" title="Chat settings" onClick={props.onOpenSettings}>
            <Icon name="settings" />
          </button>
        )}
        {props.onToggleDebug && (
          <button type="button" class="icon-button" aria-label="Debug panel" title="Debug panel" aria-pressed={props.debugOpen} onClick={props.onToggleDebug}>
            <Icon name="bug" />
          </button>
        )}
        <button type="button" class="icon-button" aria-label={`${THEME_LABEL[props.theme]} (click to change)`} title={THEME_LABEL[props.theme]} onClick={props.onCycleTheme}>
          <Icon name={THEME_ICON[props.theme]} />
        </button>
        {props.user && props.onLogout && (
          <>
            <span class="user-name" title={props.user.email ?? undefined}>
              {props.user.full_name || props.user.username}
            </span>
            <button type="button" class="icon-button" aria-label="Sign out" title="Sign out" onClick={props.onLogout}>
              <Icon name="logout" />
            </button>
          </>
        )}
      </div>
    </header>
  );
});
