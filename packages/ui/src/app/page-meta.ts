import { type ApiClient } from "../api/api-client";
import type { RagbitsConfig, ThemeAvailability } from "@ragbits/chat/client";
import { looksLikeUrl } from "../components/brand";
import { safeImageUrl } from "../util/safe-url";

/** Page title and favicon from `customization.meta`. */
export function applyPageMeta(config: RagbitsConfig): void {
  const c = config.customization;
  document.title = c?.meta?.page_title || c?.header?.title || "Ragbits Chat";
  const favicon = c?.meta?.favicon;
  if (favicon) setFavicon(favicon);
}

function setFavicon(favicon: string): void {
  const href = looksLikeUrl(favicon) ? safeImageUrl(favicon) ?? (/^data:image\/svg\+xml[;,]/i.test(favicon) ? favicon : null) : emojiIcon(favicon);
  if (!href) return;
  let link = document.querySelector<HTMLLinkElement>("link[rel~='icon']");
  if (!link) {
    link = document.createElement("link");
    link.rel = "icon";
    document.head.appendChild(link);
  }
  link.removeAttribute("type");
  link.href = href;
}

// An emoji favicon (Ragbits apps often use one) drawn as SVG text in a data: URL.
function emojiIcon(text: string): string {
  const safe = text.replace(/[<>&"']/g, "");
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 100 100"><text y=".9em" font-size="90">${safe}</text></svg>`;
  return `data:image/svg+xml,${encodeURIComponent(svg)}`;
}

/**
 * Links the server's `--theme` stylesheet after the UI's own, so its variables win. Asks
 * GET /api/theme only when the server did not say whether it has one (Python Ragbits): asking a
 * server without a theme answers 404, which browsers log as an error.
 */
export async function linkServerTheme(api: ApiClient, theme: ThemeAvailability | null): Promise<void> {
  if (theme === "none" || document.querySelector("link[data-ragbits-theme]")) return;
  if (theme === null && !(await api.hasTheme())) return;
  const link = document.createElement("link");
  link.rel = "stylesheet";
  link.href = api.url("theme");
  link.dataset.ragbitsTheme = "";
  document.head.appendChild(link);
}
