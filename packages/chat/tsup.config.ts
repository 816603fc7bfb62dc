import { readFileSync, rmSync } from "node:fs";
import { defineConfig } from "tsup";

const { version } = JSON.parse(readFileSync(new URL("./package.json", import.meta.url), "utf8")) as { version: string };

// The CommonJS build must turn lazy `import()`s (better-sqlite3, an optional peer) into `require`.
function commonJsWithoutDynamicImport(options: { supported?: Record<string, boolean> }, format: string): void {
  if (format === "cjs") options.supported = { ...options.supported, "dynamic-import": false };
}

// dist/ is emptied once, here, for the three builds below: they run at the same time, and tsup's own
// `clean` of one build deleted the other builds' output (the client entry's .d.ts went missing).
rmSync(new URL("./dist", import.meta.url), { recursive: true, force: true });

export default defineConfig([
  {
    entry: { index: "src/index.ts" },
    format: ["esm", "cjs"],
    dts: true,
    sourcemap: true,
    target: "node20",
    esbuildOptions(options, { format }) {
      commonJsWithoutDynamicImport(options, format);
      // __dirname in the ESM build too (the server finds its ui-build folder from it).
      if (format === "esm") options.inject = [...(options.inject ?? []), "scripts/esm-shims.js"];
    },
  },
  {
    // Built on its own so that it shares no chunk with the server entry: browsers get no Node module.
    entry: { "client/index": "src/client/index.ts" },
    format: ["esm", "cjs"],
    dts: true,
    sourcemap: true,
    target: "node20",
  },
  {
    // The CLI is only the command line: it loads the library through the package's own entry
    // ("@ragbits/chat", resolved by Node through package.json's exports), never a bundled copy, so a
    // user's module and the CLI share one copy of every module at run time.
    entry: { cli: "src/cli/main.ts" },
    format: ["esm"],
    external: ["@ragbits/chat"],
    sourcemap: true,
    target: "node20",
    banner: { js: "#!/usr/bin/env node" },
    define: { __RAGBITS_VERSION__: JSON.stringify(version) },
  },
]);
