// __dirname and __filename for the ESM build of the server entry (injected by tsup.config.ts; the
// server finds its ui-build folder from them). Ours rather than tsup's `shims: true`: esbuild names
// each bundled file in a comment, and tsup's shim lives in the build machine's package store.
import { dirname } from "node:path";
import { fileURLToPath } from "node:url";

export const __filename = fileURLToPath(import.meta.url);
export const __dirname = dirname(__filename);
