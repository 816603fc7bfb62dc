import { existsSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import express, { type RequestHandler, Router } from "express";
import helmet from "helmet";

/**
 * The headers every answer gets; the CSP matters for the UI: no inline script, nothing loaded from
 * elsewhere but images, no framing. Model output rendered by the UI can therefore never run code.
 */
export function securityHeaders(): RequestHandler {
  return helmet({
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'"],
        imgSrc: ["'self'", "data:", "blob:", "https:"],
        fontSrc: ["'self'", "data:"],
        connectSrc: ["'self'"],
        objectSrc: ["'none'"],
        baseUri: ["'self'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
      },
    },
    frameguard: { action: "deny" },
    referrerPolicy: { policy: "no-referrer" },
    // Plain-HTTP local use is normal for this server; HSTS belongs to the TLS proxy in front of it.
    strictTransportSecurity: false,
  });
}

/** The built UI: hashed assets cached forever, any other non-API GET answered with index.html. */
export function uiRoutes(uiBuildDir: string): Router {
  const router = Router();
  const indexFile = join(uiBuildDir, "index.html");
  const indexHtml = existsSync(indexFile) ? readFileSync(indexFile, "utf8") : FALLBACK_PAGE;
  router.use("/assets", express.static(join(uiBuildDir, "assets"), { immutable: true, maxAge: "1y", index: false, fallthrough: false }));
  router.use(express.static(uiBuildDir, { index: false, maxAge: 0 }));
  router.get(/^(?!\/api(?:\/|$)).*/i, (req, res) => {
    res.set("cache-control", "no-cache");
    res.type("html").send(withBase(indexHtml, req.baseUrl));
  });
  return router;
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
