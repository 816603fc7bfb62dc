const BASE = "http://return.invalid";

/**
 * Where the browser goes after signing in: the path the UI asked for (`?return_to=`) when it is a
 * page of this app (under the mount path, not the API), else the app's root. Never another site:
 * an open redirect after sign-in would hand phishers a trusted link.
 */
export function safeReturnPath(requested: string | null | undefined, mountPath: string): string {
  const root = `${mountPath}/`;
  // Only a path: no scheme, no "//host", no backslashes (browsers read "/\host" as "//host"), no control characters.
  if (!requested || !requested.startsWith("/") || requested.startsWith("//") || requested.includes("\\") || hasControlCharacter(requested)) return root;
  let url: URL;
  try {
    url = new URL(requested, BASE);
  } catch {
    return root;
  }
  if (url.origin !== BASE) return root;
  const path = url.pathname;
  if (mountPath && path !== mountPath && !path.startsWith(`${mountPath}/`)) return root;
  const below = path.slice(mountPath.length);
  if (/^\/(?:api|v1)(?:\/|$)/i.test(below)) return root;
  // The URL's own serialization: percent-encoded, safe in a Location header.
  return `${url.pathname}${url.search}${url.hash}`;
}

function hasControlCharacter(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x20 || code === 0x7f) return true;
  }
  return false;
}
