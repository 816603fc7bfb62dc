import { existsSync, readFileSync } from "node:fs";
import { readFile, stat } from "node:fs/promises";
import { dirname, extname, join, resolve, sep } from "node:path";
import { lookup } from "mime-types";
import { type ApiRequest } from "./http/api-request";
import { type BodyResponse } from "./http/api-response";

/**
 * The built UI: hashed files under /assets cached for a year, other files revalidated, and any
 * other GET answered with index.html (the UI's client-side routes). Paths are confined to the
 * build folder: `..`, encoded separators and NUL bytes never reach the file system.
 */
export class UiFiles {
  private readonly root: string;
  private readonly indexHtml: string;

  constructor(uiBuildDir: string) {
    this.root = resolve(uiBuildDir);
    const indexFile = join(this.root, "index.html");
    this.indexHtml = existsSync(indexFile) ? readFileSync(indexFile, "utf8") : FALLBACK_PAGE;
  }

  /** The file or the UI page for a GET/HEAD, or undefined when a missing /assets file was asked for. */
  async serve(request: ApiRequest): Promise<BodyResponse | undefined> {
    const file = this.resolveFile(request.path);
    const isAsset = request.path.startsWith("/assets/");
    if (file) {
      const found = await readIfFile(file);
      if (found) {
        const type = lookup(file) || "application/octet-stream";
        const cacheControl = isAsset ? "public, max-age=31536000, immutable" : "public, max-age=0";
        const etag = `W/"${found.size.toString(16)}-${found.mtimeMs.toString(16)}"`;
        const headers = { "content-type": withCharset(type), "cache-control": cacheControl, etag, "last-modified": new Date(found.mtimeMs).toUTCString() };
        if (request.header("if-none-match") === etag) return { status: 304, headers, body: null };
        return { status: 200, headers, body: found.bytes };
      }
    }
    // A missing hashed asset is a 404: answering index.html would hide a broken deploy.
    if (isAsset) return undefined;
    return { status: 200, headers: { "content-type": "text/html; charset=utf-8", "cache-control": "no-cache" }, body: withBase(this.indexHtml, request.mountPath) };
  }

  /** The file a URL path names inside the build folder, or undefined for anything suspicious. */
  private resolveFile(urlPath: string): string | undefined {
    if (urlPath === "/" || urlPath.endsWith("/")) return undefined;
    let decoded: string;
    try {
      decoded = decodeURIComponent(urlPath);
    } catch {
      return undefined;
    }
    if (decoded.includes("\0") || decoded.includes("\\") || decoded.split("/").some((segment) => segment === ".." || segment === "." || segment.startsWith("."))) return undefined;
    const file = resolve(this.root, `.${decoded}`);
    return file.startsWith(this.root + sep) && extname(file) !== "" ? file : undefined;
  }
}

async function readIfFile(file: string): Promise<{ bytes: Uint8Array; size: number; mtimeMs: number } | undefined> {
  try {
    const info = await stat(file);
    if (!info.isFile()) return undefined;
    return { bytes: await readFile(file), size: info.size, mtimeMs: Math.floor(info.mtimeMs) };
  } catch {
    return undefined;
  }
}

function withCharset(type: string): string {
  return type.startsWith("text/") || type === "application/javascript" || type === "application/json" ? `${type}; charset=utf-8` : type;
}

/** Where the package's own UI build lives: `ui-build/` at the package root (found from src/ or dist/). */
export function defaultUiBuildDir(): string {
  for (let dir = __dirname, depth = 0; depth < 6; dir = dirname(dir), depth++) {
    const manifest = join(dir, "package.json");
    if (existsSync(manifest) && JSON.parse(readFileSync(manifest, "utf8")).name === "@ragbits/chat") return join(dir, "ui-build");
  }
  return resolve(__dirname, "..", "ui-build");
}

/**
 * The UI's asset URLs are relative, so that it works under any mount path; a `<base>` pointing at the
 * mount keeps them right when index.html answers a deeper path (/conversations/42).
 */
function withBase(html: string, mountPath: string): string {
  const href = `${mountPath.replace(/[^A-Za-z0-9/_.~-]/g, encodeURIComponent)}/`;
  return html.replace(/<head([^>]*)>/i, `<head$1><base href="${href}">`);
}

const FALLBACK_PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Ragbits chat</title></head>
<body><h1>Ragbits chat</h1><p>The web UI is not built. The API is running: POST /api/chat, GET /api/config.</p></body></html>`;
