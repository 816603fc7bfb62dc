import { defineConfig } from "tsup";

export default defineConfig({
  entry: { index: "src/index.ts", "testing/index": "src/testing/index.ts", "redact/index": "src/redact/index.ts" },
  format: ["esm", "cjs"],
  dts: true,
  clean: true,
  sourcemap: true,
  target: "node20",
  // Provider SDKs are optional peers loaded with `await import(...)` on first use. In the CommonJS
  // build that must become `require`, or Jest (and other CJS hosts without --experimental-vm-modules)
  // cannot load them.
  esbuildOptions(options, { format }) {
    if (format === "cjs") options.supported = { ...options.supported, "dynamic-import": false };
    // The small packages bundled into dist (partial-json, mustache) are named by the path they were
    // imported through (node_modules/partial-json/…), not by pnpm's store path, which is the build
    // machine's layout and would otherwise be written into dist's comments and module keys.
    options.preserveSymlinks = true;
  },
});
