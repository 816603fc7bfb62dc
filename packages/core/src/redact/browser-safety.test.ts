import { readFileSync } from "node:fs";
import { dirname, relative, resolve } from "node:path";
import ts from "typescript";

/**
 * `@ragbits/core/redact` is imported by browser code (the @ragbits/chat client, the web UI). Its
 * runtime import graph (type-only imports erased, as a bundler does) must stay inside this folder's
 * browser-safe files: no Node built-in, no package, no Node global, nothing else of @ragbits/core.
 */
const ENTRY = resolve(__dirname, "index.ts");
const NODE_GLOBALS = /\b(Buffer|process|require|__dirname|__filename|global|setImmediate)\b/;

function runtimeGraph(entry: string): Map<string, { code: string; imports: string[] }> {
  const files = new Map<string, { code: string; imports: string[] }>();
  const pending = [entry];
  while (pending.length > 0) {
    const file = pending.pop() as string;
    if (files.has(file)) continue;
    const source = readFileSync(file, "utf8");
    const code = ts.transpileModule(source, { compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022, removeComments: true }, fileName: file }).outputText;
    const imports = ts.preProcessFile(code, true, true).importedFiles.map((imported) => imported.fileName);
    files.set(file, { code, imports });
    for (const specifier of imports) if (specifier.startsWith(".")) pending.push(`${resolve(dirname(file), specifier)}.ts`);
  }
  return files;
}

describe("@ragbits/core/redact in browsers", () => {
  const graph = runtimeGraph(ENTRY);

  it("imports only files of its own folder", () => {
    const imports = [...graph.values()].flatMap((file) => file.imports);
    expect(imports.filter((specifier) => !specifier.startsWith("./"))).toEqual([]);
    expect([...graph.keys()].map((file) => relative(__dirname, file)).sort()).toEqual(["index.ts", "redact-secrets.ts"]);
  });

  it("uses no Node global", () => {
    expect([...graph].filter(([, file]) => NODE_GLOBALS.test(file.code)).map(([name]) => relative(__dirname, name))).toEqual([]);
  });
});
