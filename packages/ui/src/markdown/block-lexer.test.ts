import { type Token, type Tokens } from "marked";
import { prefixes, randomMarkdown, TRICKY_MARKDOWN } from "../test-support/markdown-streams";
import { BlockLexer } from "./block-lexer";
import { markdownHtml } from "./markdown-html";

function fullLex(text: string): Token[] {
  return [...markdownHtml.lexer(text)];
}

describe("BlockLexer", () => {
  it("gives the tokens of a full lex at every point of a stream", () => {
    for (const text of TRICKY_MARKDOWN) {
      for (const size of [1, 3, 7]) {
        const lexer = new BlockLexer();
        for (const prefix of prefixes(text, size)) {
          expect(lexer.lex(prefix).tokens).toEqual(fullLex(prefix.replace(/\r\n?/g, "\n")));
        }
      }
    }
  });

  it("gives the tokens of a full lex for random documents, character by character", () => {
    for (const text of randomMarkdown(200, 11)) {
      const lexer = new BlockLexer();
      for (const prefix of prefixes(text, 1)) expect(lexer.lex(prefix).tokens).toEqual(fullLex(prefix));
    }
  });

  it("keeps the finished blocks' tokens and lexes only the end again", () => {
    const lexer = new BlockLexer();
    const before = [...lexer.lex("# Title\n\nFirst.\n\nSecond.\n\nThird para").tokens];
    const after = lexer.lex("# Title\n\nFirst.\n\nSecond.\n\nThird paragraph grows").tokens;
    // Everything before the block ahead of the last one is kept as it was.
    expect(after.slice(0, 4)).toEqual(before.slice(0, 4));
    after.slice(0, 4).forEach((token, i) => expect(token).toBe(before[i]));
    expect(after.at(-1)!.raw).toBe("Third paragraph grows");
  });

  it("lexes everything again when a finished block turns out not to be finished", () => {
    // "2" after the blank line is a paragraph of its own, until "2." makes it the list's next
    // item: the list before the blank line changes (and becomes loose).
    const lexer = new BlockLexer();
    const before = [...lexer.lex("Intro.\n\n1. one\n\n2").tokens];
    expect(before.map((t) => t.type)).toEqual(["paragraph", "space", "list", "space", "paragraph"]);
    const after = lexer.lex("Intro.\n\n1. one\n\n2.").tokens;
    expect(after).toEqual(fullLex("Intro.\n\n1. one\n\n2."));
    expect(after.map((t) => t.type)).toEqual(["paragraph", "space", "list"]);
    expect((after[2] as Tokens.List).loose).toBe(true);
  });

  it("lexes texts with link definitions whole, and names the definitions in effect", () => {
    const lexer = new BlockLexer();
    const first = lexer.lex("See [the docs][d].\n\nMore text.");
    expect(first.linksKey).toBe("");
    const withDefinition = lexer.lex("See [the docs][d].\n\nMore text.\n\n[d]: https://example.com/docs");
    expect(withDefinition.linksKey).toContain("https://example.com/docs");
    expect(withDefinition.tokens).toEqual(fullLex("See [the docs][d].\n\nMore text.\n\n[d]: https://example.com/docs"));
    expect(lexer.lex("See [the docs][d].\n\nMore text.\n\n[d]: https://example.com/docs\n\nThe end.").linksKey).toBe(withDefinition.linksKey);
  });

  it("starts over when the text is replaced rather than extended", () => {
    const lexer = new BlockLexer();
    lexer.lex("# One\n\nfirst answer");
    expect(lexer.lex("Something else\n\nentirely").tokens).toEqual(fullLex("Something else\n\nentirely"));
  });
});
