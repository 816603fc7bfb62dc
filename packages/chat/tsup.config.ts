import { readFileSync } from "node:fs";
import { defineConfig } from "tsup";

const { version } = JSON.parse(readFileSync(new URL("./package.json", import.meta.url), "utf8")) as { version: string };

export default defineConfig([
  {
    entry: { index: "src/index.ts", "client/index": "src/client/index.ts" },
    format: ["esm", "cjs"],
    dts: true,
    clean: true,
    sourcemap: true,
    target: "node20",
    // __dirname in the ESM build too (the server finds its ui-build folder from it).
    shims: true,
    // better-sqlite3 is an optional peer loaded on first use; in CJS the lazy import must be a require.
    esbuildOptions(options, { format }) {
      if (format === "cjs") options.supported = { ...options.supported, "dynamic-import": false };
    },
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
