import { existsSync, readFileSync, realpathSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, extname, join } from "node:path";
import type * as Library from "../index";

export type RagbitsChat = typeof Library;

// The package's own name: Node resolves it through package.json's `exports` (a package may import
// itself by name). The CLI bundle never contains the library; tsup keeps this import external.
const PACKAGE = "@ragbits/chat";

/**
 * @ragbits/chat as the user's module got it, so that the CLI and the app share one copy of every
 * module: one RagbitsAPI and ChatInterface, one process-wide state signer, one "RAGBITS_SECRET_KEY is
 * not set" warning.
 *
 * Node gives ESM code the package's ESM build and CommonJS code its CommonJS build — and a .ts file in
 * a `"type": "commonjs"` project (npm's default) runs as CommonJS under tsx. So when the user's module
 * pulled in the CommonJS build, the CLI takes that same (cached) instance; otherwise it imports the
 * ESM entry, the one an ESM user module shares.
 */
export async function loadLibrary(userFile: string): Promise<RagbitsChat> {
  const requireFromUser = createRequire(userFile);
  let commonJsEntry: string | undefined;
  try {
    commonJsEntry = requireFromUser.resolve(PACKAGE);
  } catch {
    // Not resolvable from the user's folder: the CLI's own package is the only copy.
  }
  if (commonJsEntry && requireFromUser.cache[commonJsEntry]) return requireFromUser(commonJsEntry) as RagbitsChat;
  return (await import(PACKAGE)) as RagbitsChat;
}

/**
 * Loads @ragbits/chat (and with it @ragbits/core) the way the user's module will, before tsx is
 * registered. tsx rewrites every JavaScript file containing `import(` that passes through its loader
 * and builds a source map for it — our dist files lazily import optional peers, so loading them
 * after tsx cost ~0.5 s of the start-up (bench scenario 4). Loaded first, they are plain Node
 * modules; the user's import then finds them in the module cache: the same single instance.
 *
 * Only when the user's module resolves @ragbits/chat to this CLI's own package (else it would be a
 * second copy, loaded for nothing); never fails the start (the user's own import reports problems).
 */
export async function preloadLibrary(userFile: string): Promise<void> {
  try {
    const requireFromUser = createRequire(userFile);
    const usersEntry = requireFromUser.resolve(PACKAGE);
    const ownEntry = createRequire(import.meta.url).resolve(PACKAGE);
    if (packageRoot(usersEntry) !== packageRoot(ownEntry)) return;
    if (runsAsEsm(userFile)) await import(PACKAGE);
    else requireFromUser(PACKAGE);
  } catch {
    // Not resolvable or not loadable here: loading the user's module says why, with its own error.
  }
}

/** The real path of the folder holding the entry's package.json (workspace links resolved). */
function packageRoot(entry: string): string | undefined {
  for (let dir = dirname(entry); dir !== dirname(dir); dir = dirname(dir)) {
    if (existsSync(join(dir, "package.json"))) return realpathSync(dir);
  }
  return undefined;
}

/** As Node (and tsx) decide: .mjs/.mts are ESM, .cjs/.cts CommonJS, else the nearest package.json's "type". */
function runsAsEsm(file: string): boolean {
  const extension = extname(file);
  if (extension === ".mjs" || extension === ".mts") return true;
  if (extension === ".cjs" || extension === ".cts") return false;
  for (let dir = dirname(file); dir !== dirname(dir); dir = dirname(dir)) {
    const manifest = join(dir, "package.json");
    if (existsSync(manifest)) return (JSON.parse(readFileSync(manifest, "utf8")) as { type?: string }).type === "module";
  }
  return false;
}
