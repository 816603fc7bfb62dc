#!/usr/bin/env node
// Copies the built web UI (packages/ui/dist) into this package's ui-build/, which RagbitsAPI serves
// and which is published with the package. Run by `pnpm build` after tsup.
import { cpSync, existsSync, rmSync } from "node:fs";
import { fileURLToPath } from "node:url";

const source = fileURLToPath(new URL("../../ui/dist", import.meta.url));
const target = fileURLToPath(new URL("../ui-build", import.meta.url));

if (!existsSync(`${source}/index.html`)) {
  console.warn(`copy-ui-build: ${source} has no build; RagbitsAPI will serve its minimal fallback page`);
  process.exit(0);
}
rmSync(target, { recursive: true, force: true });
cpSync(source, target, { recursive: true });
console.log(`copy-ui-build: copied the UI build into ${target}`);
