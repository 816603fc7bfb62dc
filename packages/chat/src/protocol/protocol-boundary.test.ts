import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import ts from "typescript";

/**
 * protocol/ is the bottom layer: the wire format that the server, the client and the web UI share.
 * It may import its own modules and zod, nothing else of this package (interface/, server/,
 * client/ … build on it, never the reverse), so the browser client can depend on it safely.
 */
const PROTOCOL_DIR = __dirname;
const ALLOWED_PACKAGES = new Set(["zod"]);

function importsOf(file: string): string[] {
  // Type-only imports count too: a type import of interface/ is still a layer pointing the wrong way.
  return ts.preProcessFile(readFileSync(join(PROTOCOL_DIR, file), "utf8"), true, true).importedFiles.map((entry) => entry.fileName);
}

describe("src/protocol", () => {
  const files = readdirSync(PROTOCOL_DIR).filter((name) => name.endsWith(".ts") && !name.endsWith(".test.ts"));

  it("holds the wire modules", () => {
    expect(files).toEqual(expect.arrayContaining(["chat-request.ts", "chat-request-schema.ts", "chat-response.ts"]));
  });

  it("imports only its own modules and zod", () => {
    const offenders = files.flatMap((file) =>
      importsOf(file)
        .filter((specifier) => (specifier.startsWith(".") ? !specifier.startsWith("./") || specifier.slice(2).includes("/") : !ALLOWED_PACKAGES.has(specifier)))
        .map((specifier) => `${file} imports ${specifier}`),
    );
    expect(offenders).toEqual([]);
  });
});
