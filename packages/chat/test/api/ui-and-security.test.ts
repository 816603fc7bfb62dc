import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { request } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import express from "express";
import pino from "pino";
import { ChatInterface, type ChatResponse, RELAXED_CSP, RagbitsAPI, STRICT_CSP } from "../../src";
import { TEST_SIGNER, startApi } from "../helpers/start-api";

class Echo extends ChatInterface {
  async *chat(message: string): AsyncGenerator<ChatResponse> {
    yield this.createTextResponse(message);
  }
}

/** A GET with the path sent exactly as given (fetch would normalise "../"). */
function rawGet(url: string, path: string): Promise<{ status: number; body: string }> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const req = request({ host: hostname, port, path, method: "GET" }, (res) => {
      let body = "";
      res.on("data", (chunk) => (body += chunk));
      res.on("end", () => resolve({ status: res.statusCode!, body }));
    });
    req.on("error", reject);
    req.end();
  });
}

describe("serving the UI", () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), "ragbits-ui-"));
    mkdirSync(join(dir, "assets"));
    writeFileSync(join(dir, "index.html"), '<!doctype html><html><head><title>custom ui</title><script type="module" src="./assets/app-1234.js"></script></head></html>');
    writeFileSync(join(dir, "assets", "app-1234.js"), "console.log('app')");
    writeFileSync(join(tmpdir(), "ragbits-secret.txt"), "top secret");
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("serves index.html with a strict CSP for the root and client-side routes, and assets with long caching", async () => {
    // A custom build is served with the relaxed policy by default; asked for, the strict one applies.
    const server = await startApi(Echo, { uiBuildDir: dir, contentSecurityPolicy: STRICT_CSP });
    try {
      for (const path of ["/", "/conversations/123", "/settings"]) {
        const response = await fetch(`${server.url}${path}`);
        expect(response.status).toBe(200);
        const html = await response.text();
        expect(html).toContain("custom ui");
        // Relative asset URLs resolve from the mount point, whatever the path that served the page.
        expect(html).toContain('<head><base href="/">');
        const csp = response.headers.get("content-security-policy")!;
        expect(csp).toContain("script-src 'self'");
        expect(csp).not.toContain("unsafe-inline");
        expect(csp).toContain("frame-ancestors 'none'");
        expect(response.headers.get("x-content-type-options")).toBe("nosniff");
        expect(response.headers.get("referrer-policy")).toBe("no-referrer");
      }
      const asset = await fetch(`${server.url}/assets/app-1234.js`);
      expect(await asset.text()).toBe("console.log('app')");
      expect(asset.headers.get("cache-control")).toContain("immutable");
      expect((await fetch(`${server.url}/assets/missing.js`)).status).toBe(404);
    } finally {
      await server.close();
    }
  });

  it("serves a custom UI build with the relaxed CSP by default: eval for schema validators, inline and HTTPS styles, HTTPS fonts", async () => {
    const server = await startApi(Echo, { uiBuildDir: dir });
    try {
      for (const path of ["/", "/api/config"]) {
        const csp = (await fetch(`${server.url}${path}`)).headers.get("content-security-policy")!;
        expect(csp).toBe(RELAXED_CSP);
        const directives = Object.fromEntries(csp.split(";").map((directive) => [directive.split(" ")[0], directive]));
        expect(directives["script-src"]).toBe("script-src 'self' 'unsafe-eval'");
        expect(directives["style-src"]).toBe("style-src 'self' 'unsafe-inline' https:");
        expect(directives["font-src"]).toBe("font-src 'self' data: https:");
        // Still no inline script, plugins, framing or foreign form targets.
        expect(directives["script-src"]).not.toContain("unsafe-inline");
        expect(directives["object-src"]).toBe("object-src 'none'");
        expect(directives["frame-ancestors"]).toBe("frame-ancestors 'none'");
        expect(directives["form-action"]).toBe("form-action 'self'");
      }
    } finally {
      await server.close();
    }
  });

  it("serves the built-in UI with the strict CSP by default, also when uiBuildDir names the built-in build", async () => {
    const builtIn = await startApi(Echo);
    const named = await startApi(Echo, { uiBuildDir: join(__dirname, "..", "..", "ui-build") });
    try {
      expect((await fetch(`${builtIn.url}/`)).headers.get("content-security-policy")).toBe(STRICT_CSP);
      expect((await fetch(`${named.url}/`)).headers.get("content-security-policy")).toBe(STRICT_CSP);
    } finally {
      await builtIn.close();
      await named.close();
    }
  });

  it("sends no CSP with contentSecurityPolicy: false, and a policy of your own as written", async () => {
    const off = await startApi(Echo, { uiBuildDir: dir, contentSecurityPolicy: false });
    const own = await startApi(Echo, { contentSecurityPolicy: "default-src 'self'; img-src *" });
    try {
      const page = await fetch(`${off.url}/`);
      expect(page.status).toBe(200);
      expect(page.headers.has("content-security-policy")).toBe(false);
      // The other security headers stay.
      expect(page.headers.get("x-content-type-options")).toBe("nosniff");
      expect((await fetch(`${own.url}/api/config`)).headers.get("content-security-policy")).toBe("default-src 'self'; img-src *");
    } finally {
      await off.close();
      await own.close();
    }
  });

  it("refuses a policy that cannot be a header value", () => {
    expect(() => new RagbitsAPI(Echo, { logger: pino({ level: "silent" }), stateSigner: TEST_SIGNER, contentSecurityPolicy: "default-src 'self'\r\nset-cookie: x=1" })).toThrow(/one line/);
  });

  it("never serves files outside the UI folder", async () => {
    const server = await startApi(Echo, { uiBuildDir: dir });
    try {
      for (const path of ["/../ragbits-secret.txt", "/assets/../../ragbits-secret.txt", "/%2e%2e/ragbits-secret.txt", "/assets/%2e%2e%2f%2e%2e%2fragbits-secret.txt", "/..%2fragbits-secret.txt"]) {
        const response = await rawGet(server.url, path);
        expect(response.body).not.toContain("top secret");
        expect(response.status).toBeLessThan(500);
      }
    } finally {
      await server.close();
    }
  });

  it("serves a theme only when configured", async () => {
    const themePath = join(dir, "theme.css");
    writeFileSync(themePath, ":root { --accent: #ff00aa; }");
    const without = await startApi(Echo, { uiBuildDir: dir });
    const withTheme = await startApi(Echo, { uiBuildDir: dir, themePath });
    try {
      const missing = await fetch(`${without.url}/api/theme`);
      expect(missing.status).toBe(404);
      expect(await missing.json()).toEqual({ detail: "No theme configured" });
      const theme = await fetch(`${withTheme.url}/api/theme`);
      expect(theme.headers.get("content-type")).toBe("text/css; charset=utf-8");
      expect(await theme.text()).toBe(":root { --accent: #ff00aa; }");
    } finally {
      await without.close();
      await withTheme.close();
    }
  });
});

describe("CORS", () => {
  const preflight = (url: string, origin: string) => fetch(`${url}/api/chat`, { method: "OPTIONS", headers: { origin, "access-control-request-method": "POST", "access-control-request-headers": "content-type" } });

  it("sends no CORS headers unless origins are configured", async () => {
    const server = await startApi(Echo);
    try {
      const response = await preflight(server.url, "http://evil.example");
      expect(response.headers.get("access-control-allow-origin")).toBeNull();
      const get = await fetch(`${server.url}/api/config`, { headers: { origin: "http://evil.example" } });
      expect(get.headers.get("access-control-allow-origin")).toBeNull();
    } finally {
      await server.close();
    }
  });

  it("allows exactly the configured origins", async () => {
    const server = await startApi(Echo, { corsOrigins: ["http://app.example"] });
    try {
      const allowed = await preflight(server.url, "http://app.example");
      expect(allowed.status).toBe(204);
      expect(allowed.headers.get("access-control-allow-origin")).toBe("http://app.example");
      expect(allowed.headers.get("access-control-allow-credentials")).toBe("true");
      const denied = await preflight(server.url, "http://evil.example");
      expect(denied.headers.get("access-control-allow-origin")).toBeNull();
    } finally {
      await server.close();
    }
  });
});

describe("mounting in an existing Express app", () => {
  it("serves the API next to the app's own routes, after setup()", async () => {
    let setupDone = false;
    class Slow extends Echo {
      override async setup() {
        await new Promise((resolve) => setTimeout(resolve, 100));
        setupDone = true;
      }
      override async *chat(): AsyncGenerator<ChatResponse> {
        yield this.createTextResponse(setupDone ? "set up" : "too early");
      }
    }
    const app = express();
    app.get("/health", (_req, res) => void res.json({ ok: true }));
    app.use(new RagbitsAPI(Slow, { logger: (await import("pino")).default({ level: "silent" }) }).router());
    const server = app.listen(0, "127.0.0.1");
    await new Promise((resolve) => server.once("listening", resolve));
    const url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
    try {
      expect(await (await fetch(`${url}/health`)).json()).toEqual({ ok: true });
      const raw = await (await fetch(`${url}/api/chat`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ message: "x" }) })).text();
      expect(raw).toContain('"text":"set up"');
    } finally {
      server.close();
    }
  });
});
