import { readFileSync } from "node:fs";

/** One TypeScript file a README asks its reader to write, as the type test writes it. */
export interface ReadmeSnippet {
  /** The file name the snippet's first line gives (`// main.ts`), else `snippet-<n>.ts`. */
  fileName: string;
  code: string;
  /** Where it starts in the README, for failure messages. */
  line: number;
}

const FENCE = /^```ts\n([\s\S]*?)^```$/gm;
const FILE_NAME = /^\/\/ ([\w.-]+\.(?:ts|mts|cts))\s*$/;
const CONTINUES = /<!--\s*continues ([\w.-]+)\s*-->\s*$/;
const IMPORT = /^import\s/m;

/**
 * The files a README's ```ts blocks ask the reader to write. A block whose first line is a
 * `// name.ts` comment is that file; a block with an `import` is a file of its own; a block right after
 * `<!-- continues name.ts -->` (an HTML comment: invisible on the rendered page) is more of that file,
 * appended inside `{ }` so its declarations do not clash with another continuation's (so a continuation
 * cannot import). Any other block is a fragment that shows a call in a context the text describes
 * (`app.use("/chat", api.router())`), not a file: name it, import in it or mark it as a continuation to
 * have it checked.
 */
export function readmeSnippets(readmePath: string): ReadmeSnippet[] {
  const text = readFileSync(readmePath, "utf8");
  const snippets: ReadmeSnippet[] = [];
  for (const match of text.matchAll(FENCE)) {
    const code = match[1] ?? "";
    const line = text.slice(0, match.index).split("\n").length;
    const continues = CONTINUES.exec(text.slice(0, match.index).trimEnd())?.[1];
    if (continues) {
      const base = snippets.find((snippet) => snippet.fileName === continues);
      if (!base) throw new Error(`${readmePath}:${line}: the block continues ${continues}, which no earlier block names`);
      base.code += `\n{ // ${readmePath}:${line}\n${code}}\n`;
      continue;
    }
    const named = FILE_NAME.exec(code.split("\n", 1)[0] ?? "")?.[1];
    if (!named && !IMPORT.test(code)) continue;
    const fileName = named ?? `snippet-${snippets.length + 1}.ts`;
    if (snippets.some((snippet) => snippet.fileName === fileName)) throw new Error(`${readmePath}:${line}: a second block names ${fileName}`);
    snippets.push({ fileName, code, line });
  }
  return snippets;
}
