import { readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import ts from "typescript";

/**
 * @ragbits/chat/client must run in browsers. This follows the entry point's runtime import graph
 * (type-only imports erased, as the bundler does) and fails on a Node built-in, an unexpected
 * package, or a Node global anywhere in it.
 */
const ENTRY = resolve(__dirname, "index.ts");
// @ragbits/core/redact is core's browser-safe subpath (its own browser-safety test guards its import graph).
const ALLOWED_PACKAGES = new Set(["eventsource-parser", "@ragbits/core/redact"]);
const NODE_GLOBALS = /\b(Buffer|process|require|__dirname|__filename|global|setImmediate)\b/;

function runtimeCode(file: string): string {
  const source = readFileSync(file, "utf8");
  return ts.transpileModule(source, { compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022, removeComments: true }, fileName: file }).outputText;
}

function importsOf(code: string): string[] {
  return ts.preProcessFile(code, true, true).importedFiles.map((file) => file.fileName);
}

function runtimeGraph(entry: string): { files: Map<string, string>; packages: Set<string> } {
  const files = new Map<string, string>();
  const packages = new Set<string>();
  const pending = [entry];
  while (pending.length > 0) {
    const file = pending.pop() as string;
    if (files.has(file)) continue;
    const code = runtimeCode(file);
    files.set(file, code);
    for (const specifier of importsOf(code)) {
      if (specifier.startsWith(".")) pending.push(`${resolve(dirname(file), specifier)}.ts`);
      else packages.add(specifier);
    }
  }
  return { files, packages };
}

describe("@ragbits/chat/client in browsers", () => {
  const graph = runtimeGraph(ENTRY);

  it("imports no Node built-in and no package but eventsource-parser", () => {
    expect([...graph.packages].filter((name) => !ALLOWED_PACKAGES.has(name))).toEqual([]);
  });

  it("uses no Node global", () => {
    const offenders = [...graph.files].filter(([, code]) => NODE_GLOBALS.test(code)).map(([file, code]) => `${relative(__dirname, file)}: ${NODE_GLOBALS.exec(code)?.[0]}`);
    expect(offenders).toEqual([]);
  });

  it("leaves the test helpers out of the entry point", () => {
    const names = [...graph.files.keys()].map((file) => relative(__dirname, file));
    expect(names).toContain("ragbits-chat-client.ts");
    expect(names.filter((name) => /test/.test(name))).toEqual([]);
  });

  it("depends on an eventsource-parser build that is itself free of Node built-ins", () => {
    const parser = readFileSync(join(dirname(require.resolve("eventsource-parser")), "index.js"), "utf8");
    expect(parser).not.toMatch(/from\s*["']node:|require\(["']node:/);
    expect(parser).not.toMatch(/\b(Buffer|process)\./);
  });
});
