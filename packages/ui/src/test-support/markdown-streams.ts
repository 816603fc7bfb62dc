/** Test helpers: markdown texts as a streaming answer delivers them. */

/** Every prefix of `text` that a stream of `size`-character chunks shows, ending with the whole text. */
export function prefixes(text: string, size: number): string[] {
  const result: string[] = [];
  for (let end = size; end < text.length; end += size) result.push(text.slice(0, end));
  result.push(text);
  return result;
}

/** Texts whose block boundaries move while they stream: lists, setext headings, tables, fences… */
export const TRICKY_MARKDOWN = [
  "## Title\n\nA paragraph with **bold**, *em* and `code`.\n\n1. one\n2. two\n\n```ts\nconst x: number = 1;\n```\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n> quoted\nlazy line\n\n- x\n- y\n",
  "- tight\n- list\n\n- now loose\n\n  with a continued paragraph\n\nafter the list\n",
  "Setext heading\n===\n\nAnother\n---\n\npara\n***\n",
  "para one\n```js\nconsole.log(1)\n```\n# Heading\ntext right after\n<div>\nraw html block\n</div>\n\nend",
  "    indented code\n\n\n    more code\n\ntext\n    not code\n",
  "Unclosed fence at the end:\n\n```python\ndef add(a, b):\n    return a + b\n",
  "Line one\r\nline two\r\n\r\n- crlf list\r\n",
];

/** Deterministic pseudo-random markdown documents made of the line shapes that move boundaries. */
export function randomMarkdown(count: number, seed: number): string[] {
  const lines = ["para text", "- item", "* star", "1. num", "2) paren", "  indented", "    code", "> quote", "```", "```js", "~~~", "# H", "---", "===", "| a | b |", "|---|---|", "<div>", "</div>", "", "", "text *em", "**b**", "  - nested", "lazy", "***"];
  let state = seed;
  const next = (n: number) => {
    state = (state * 1103515245 + 12345) & 0x7fffffff;
    return state % n;
  };
  const docs: string[] = [];
  for (let d = 0; d < count; d++) {
    const length = 2 + next(12);
    docs.push(Array.from({ length }, () => lines[next(lines.length)]!).join("\n"));
  }
  return docs;
}
