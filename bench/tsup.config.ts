import { defineConfig } from "tsup";

// Every process the bench starts is its own entry, so a child loads only what it measures:
// a client-cost worker for LangChain never has the Vercel AI SDK in its heap, and vice versa.
export default defineConfig({
  entry: {
    main: "src/main.ts",
    "upstream-process": "src/upstream/upstream-process.ts",
    "client-cost-worker": "src/clients/client-cost-worker.ts",
    "ragbits-server-process": "src/servers/ragbits-server-process.ts",
    "ragbits-fetch-server-process": "src/servers/ragbits-fetch-server-process.ts",
    "vercel-server-process": "src/servers/vercel-server-process.ts",
    "bare-sdk-server-process": "src/servers/bare-sdk-server-process.ts",
    "bare-fetch-proxy-process": "src/servers/bare-fetch-proxy-process.ts",
    "ragbits-database-server-process": "src/servers/ragbits-database-server-process.ts",
    "load-generator-process": "src/load/load-generator-process.ts",
    "import-probe": "src/startup/import-probe.ts",
    "summarize-cpu-profile": "src/profile/summarize-cpu-profile.ts",
    "resumable-streams": "src/resumable/resumable-streams.ts",
  },
  format: ["esm"],
  platform: "node",
  target: "node20",
  clean: true,
  // Shared helpers go to chunks; the measured libraries stay external (resolved from node_modules).
  splitting: true,
});
