import { type NextConfig } from "next";

const config: NextConfig = {
  // Loaded by Node from node_modules instead of bundled: @ragbits/chat finds its UI build next to its
  // own files and loads pino's pretty printer and better-sqlite3 lazily, which a bundle would break.
  serverExternalPackages: ["@ragbits/chat", "@ragbits/core"],
  // The test builds into its own folder so that it never overwrites a developer's `.next`.
  distDir: process.env.NEXT_DIST_DIR ?? ".next",
  // The chat answers with its own security headers (CSP included).
  poweredByHeader: false,
};

export default config;
