/**
 * URL checks for anything that came from the model or the server: only schemes that cannot run
 * code are let through. Relative URLs stay relative to the page.
 */

const LINK_SCHEMES = new Set(["http:", "https:", "mailto:"]);

/** A URL for `<a href>`: http(s), mailto or relative; null for javascript:, data:, vbscript: … */
export function safeLinkUrl(raw: string | null | undefined): string | null {
  return checkUrl(raw, (url) => LINK_SCHEMES.has(url.protocol));
}

/** A URL for `<img src>`: http(s), blob:, relative, or a `data:image/…` URL (but not SVG, which can carry script). */
export function safeImageUrl(raw: string | null | undefined): string | null {
  if (typeof raw !== "string") return null;
  const trimmed = raw.trim();
  if (/^data:/i.test(trimmed)) return isSafeImageDataUrl(trimmed) ? trimmed : null;
  return checkUrl(trimmed, (url) => url.protocol === "http:" || url.protocol === "https:" || url.protocol === "blob:");
}

/** `data:image/png;base64,...` style URLs of raster image types. */
export function isSafeImageDataUrl(url: string): boolean {
  return /^data:image\/(png|jpe?g|gif|webp|avif|bmp|x-icon|vnd\.microsoft\.icon)(;[a-z0-9=._-]+)*,/i.test(url);
}

function checkUrl(raw: string | null | undefined, allowed: (url: URL) => boolean): string | null {
  if (typeof raw !== "string") return null;
  const trimmed = raw.trim();
  if (trimmed === "") return null;
  // Control characters and whitespace inside a scheme are how `java\tscript:` slips past naive checks.
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(trimmed)) return null;
  let url: URL;
  try {
    url = new URL(trimmed, "http://relative.invalid/");
  } catch {
    return null;
  }
  if (url.host === "relative.invalid" && !/^[a-z][a-z0-9+.-]*:/i.test(trimmed)) return trimmed;
  return allowed(url) ? trimmed : null;
}
