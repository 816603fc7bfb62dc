import { fileURLToPath } from "node:url";
import { defineConfig } from "vite";

// The UI is served by @ragbits/chat (or a Python Ragbits server) from any mount point, so asset
// URLs are relative. `pnpm dev` proxies the API to a server already running on :8000.
const apiTarget = process.env.RAGBITS_API_URL ?? "http://127.0.0.1:8000";

// The wire types, the stream reader and the image reassembly come from @ragbits/chat/client, read
// from its source: this build is copied into @ragbits/chat's package, so depending on chat's own
// build would be a cycle. Only what the UI imports is bundled (no zod: the client imports types).
const chatClientEntry = fileURLToPath(new URL("../chat/src/client/index.ts", import.meta.url));

export default defineConfig({
  base: "./",
  resolve: {
    alias: { "@ragbits/chat/client": chatClientEntry },
  },
  oxc: {
    jsx: { runtime: "automatic", importSource: "preact" },
  },
  build: {
    outDir: "dist",
    emptyOutDir: true,
    target: "es2022",
    // Inline assets would become data: URLs in CSS/JS; keep every asset a file for a strict CSP.
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
    sourcemap: false,
  },
  server: {
    proxy: { "/api": { target: apiTarget, changeOrigin: false } },
  },
});
