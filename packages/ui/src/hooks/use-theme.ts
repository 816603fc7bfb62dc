import { useCallback, useEffect, useState } from "preact/hooks";
import { readStored, writeStored } from "../util/local-store";

export type ThemeChoice = "system" | "light" | "dark";

const KEY = "theme";
const ORDER: ThemeChoice[] = ["system", "light", "dark"];

/** Light/dark follows the system unless the user picked one; the choice is remembered. */
export function useTheme(): { theme: ThemeChoice; cycleTheme: () => void } {
  const [theme, setTheme] = useState<ThemeChoice>(() => {
    const stored = readStored(KEY);
    return stored === "light" || stored === "dark" ? stored : "system";
  });

  useEffect(() => {
    applyTheme(theme);
    writeStored(KEY, theme === "system" ? null : theme);
  }, [theme]);

  const cycleTheme = useCallback(() => setTheme((t) => ORDER[(ORDER.indexOf(t) + 1) % ORDER.length]!), []);
  return { theme, cycleTheme };
}

export function applyTheme(theme: ThemeChoice): void {
  const root = document.documentElement;
  if (theme === "system") root.removeAttribute("data-theme");
  else root.setAttribute("data-theme", theme);
}
