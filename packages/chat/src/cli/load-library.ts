import { createRequire } from "node:module";
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
