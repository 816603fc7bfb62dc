import { defineConfig } from "vite";

// The UI is served by @ragbits/chat (or a Python Ragbits server) from any mount point, so asset
// URLs are relative. `pnpm dev` proxies the API to a server already running on :8000.
const apiTarget = process.env.RAGBITS_API_URL ?? "http://127.0.0.1:8000";

export default defineConfig({
  base: "./",
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
