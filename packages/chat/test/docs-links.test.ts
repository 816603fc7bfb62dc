/**
 * The documentation a user reads — the READMEs and docs/ — links only to files that exist in the
 * repository (a README once sent readers to a "PROTOCOL.md in the repository" that was not there).
 */
import { existsSync, readFileSync, readdirSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";

const root = resolve(__dirname, "..", "..", "..");
const documents = [
  join(root, "README.md"),
  ...readdirSync(join(root, "packages")).map((name) => join(root, "packages", name, "README.md")),
  ...readdirSync(join(root, "docs")).filter((name) => name.endsWith(".md")).map((name) => join(root, "docs", name)),
].filter((file) => existsSync(file));

/** Relative link targets of a markdown text: `[text](target)`, without the `#anchor`, outside code blocks. */
function relativeLinks(markdown: string): string[] {
  const prose = markdown.replace(/^```[\s\S]*?^```$/gm, "");
  return [...prose.matchAll(/\]\(([^)\s]+)\)/g)]
    .map((match) => match[1]!.split("#", 1)[0]!)
    .filter((target) => target !== "" && !/^[a-z][a-z0-9+.-]*:/i.test(target));
}

it("covers the READMEs and docs/protocol.md", () => {
  expect(documents.map((file) => relative(root, file))).toEqual(expect.arrayContaining(["README.md", "packages/chat/README.md", "packages/core/README.md", "docs/protocol.md"]));
});

it.each(documents.map((file) => [relative(root, file), file]))("%s links only to files that exist", (_name, file) => {
  const text = readFileSync(file, "utf8");
  const missing = relativeLinks(text).filter((target) => !existsSync(resolve(dirname(file), target)));
  expect(missing).toEqual([]);
  expect(text).not.toMatch(/PROTOCOL\.md/);
});

it("sends readers of the packages' READMEs to docs/protocol.md for the HTTP protocol", () => {
  for (const readme of ["README.md", "packages/chat/README.md"]) expect(relativeLinks(readFileSync(join(root, readme), "utf8")).some((target) => target.endsWith("docs/protocol.md"))).toBe(true);
});
