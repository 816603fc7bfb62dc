import { useState } from "preact/hooks";
import { type ApiClient } from "../api/api-client";
import { toApiError } from "../api/api-error";

/** One entry of `authentication.oauth2_providers` (Python Ragbits' OAuth2ProviderConfig), checked. */
export interface SignInProvider {
  name: string;
  displayName: string;
  buttonColor: string | null;
  textColor: string | null;
  iconSvg: string | null;
}

/** The providers of /api/config that a button can be made for; malformed entries are left out. */
export function signInProviders(raw: readonly unknown[]): SignInProvider[] {
  const providers: SignInProvider[] = [];
  for (const entry of raw) {
    if (typeof entry !== "object" || entry === null) continue;
    const item = entry as Record<string, unknown>;
    if (typeof item.name !== "string" || !/^[A-Za-z0-9_-]+$/.test(item.name)) continue;
    providers.push({
      name: item.name,
      displayName: typeof item.display_name === "string" && item.display_name ? item.display_name : item.name,
      buttonColor: cssColor(item.button_color) ?? cssColor(item.color),
      textColor: cssColor(item.text_color),
      iconSvg: typeof item.icon_svg === "string" && item.icon_svg.trim().startsWith("<svg") ? item.icon_svg : null,
    });
  }
  return providers;
}

interface Props {
  api: ApiClient;
  providers: SignInProvider[];
  onError: (message: string) => void;
}

/**
 * "Sign in with …" buttons. A click asks the server for the provider's authorization URL
 * (GET /api/auth/authorize/{provider}, which also sets the cookie that ties the sign-in to this
 * browser) and goes there; the provider sends the browser back to the server, which returns it here.
 */
export function SignInProviders({ api, providers, onError }: Props) {
  const [busy, setBusy] = useState<string | null>(null);

  const start = async (provider: SignInProvider) => {
    setBusy(provider.name);
    try {
      const url = new URL(api.url(`auth/authorize/${encodeURIComponent(provider.name)}`));
      const back = returnPath();
      if (back) url.searchParams.set("return_to", back);
      const response = await fetch(url, { credentials: "same-origin", headers: { accept: "application/json" } });
      if (!response.ok) throw await toApiError(response);
      const body = (await response.json()) as { authorize_url?: unknown };
      if (typeof body.authorize_url !== "string" || !/^https?:\/\//i.test(body.authorize_url)) throw new Error(`The server did not say where to sign in with ${provider.displayName}.`);
      window.location.assign(body.authorize_url);
    } catch (error) {
      setBusy(null);
      onError((error as Error).message || `Could not start the sign-in with ${provider.displayName}.`);
    }
  };

  return (
    <div class="sign-in-providers" role="group" aria-label="Sign in with">
      {providers.map((provider) => (
        <button
          key={provider.name}
          type="button"
          class="button wide sign-in-provider"
          data-provider={provider.name}
          disabled={busy !== null}
          // Set through the DOM (not a style attribute), which the strict Content-Security-Policy allows.
          style={{ backgroundColor: provider.buttonColor ?? undefined, color: provider.textColor ?? undefined, borderColor: provider.buttonColor ?? undefined }}
          onClick={() => void start(provider)}
        >
          {provider.iconSvg && <img class="sign-in-provider-icon" src={`data:image/svg+xml,${encodeURIComponent(provider.iconSvg)}`} alt="" />}
          {busy === provider.name ? "Redirecting…" : `Sign in with ${provider.displayName}`}
        </button>
      ))}
    </div>
  );
}

/** Where to come back to: this page, unless it is the login page the server's callback sent us to. */
function returnPath(): string | null {
  const { pathname, search, hash } = window.location;
  if (pathname.replace(/\/+$/, "").endsWith("/login")) return null;
  return `${pathname}${search}${hash}`;
}

// Only plain color values reach the style: no url(), no expressions.
function cssColor(value: unknown): string | null {
  return typeof value === "string" && /^(#[0-9a-f]{3,8}|rgba?\([\d\s.,%]+\)|[a-z]+)$/i.test(value.trim()) ? value.trim() : null;
}
