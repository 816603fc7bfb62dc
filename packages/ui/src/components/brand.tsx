import type { CustomizationSettings } from "@ragbits/chat/client";
import { safeImageUrl } from "../util/safe-url";

/** Logo, title and subtitle from `customization.header`; a logo is an image URL or an emoji. */
export function Brand({ customization }: { customization: CustomizationSettings | null }) {
  const header = customization?.header ?? null;
  const title = header?.title || "Ragbits Chat";
  const logo = header?.logo ?? null;
  return (
    <div class="brand">
      {logo && <Logo logo={logo} />}
      <div class="brand-text">
        <h1 class="brand-title">{title}</h1>
        {header?.subtitle && <p class="brand-subtitle">{header.subtitle}</p>}
      </div>
    </div>
  );
}

function Logo({ logo }: { logo: string }) {
  const src = looksLikeUrl(logo) ? safeImageUrl(logo) ?? svgDataUrl(logo) : null;
  if (src) return <img class="brand-logo" src={src} alt="" />;
  return (
    <span class="brand-logo emoji" aria-hidden="true">
      {logo}
    </span>
  );
}

export function looksLikeUrl(value: string): boolean {
  return /^(https?:|data:|blob:|\/|\.\/|\.\.\/)/i.test(value.trim()) || /\.(png|jpe?g|gif|svg|webp|ico|avif)(\?.*)?$/i.test(value.trim());
}

// SVG cannot run script when shown through <img>, so a server-given SVG data: logo is fine there.
function svgDataUrl(value: string): string | null {
  return /^data:image\/svg\+xml[;,]/i.test(value.trim()) ? value.trim() : null;
}
