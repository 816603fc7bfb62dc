/**
 * @jest-environment jsdom
 */
import { type Token, type Tokens } from "marked";
import { prefixes, randomMarkdown, TRICKY_MARKDOWN } from "../test-support/markdown-streams";
import { type GrowingCodeHighlighter } from "./growing-code";
import { IncrementalMarkdown } from "./incremental-markdown";
import { markdownHtml } from "./markdown-html";
import { renderBlock, renderGrowingCode } from "./render-block";
import { renderMarkdown } from "./render-markdown";

/** An IncrementalMarkdown whose block renders are recorded (by source text). */
function counted() {
  const rendered: string[] = [];
  const markdown = new IncrementalMarkdown((token: Token) => {
    rendered.push(token.raw);
    return renderBlock(token);
  });
  return { markdown, rendered };
}

function dom(blocks: string[]): HTMLElement {
  const host = document.createElement("div");
  host.innerHTML = blocks.join("");
  return host;
}

/** Anything in `host` that could run: script-ish elements, handlers, style, script URLs. */
function runnable(host: HTMLElement): string[] {
  const found: string[] = [];
  for (const el of Array.from(host.querySelectorAll("*"))) {
    if (/^(script|iframe|object|embed|style|form|svg|math)$/i.test(el.tagName)) found.push(el.tagName);
    for (const attr of Array.from(el.attributes)) {
      if (/^on|^style$|^srcset$/i.test(attr.name)) found.push(`${el.tagName}[${attr.name}]`);
      if (/^(href|src|action|formaction|xlink:href)$/i.test(attr.name) && /^\s*(javascript:|vbscript:|data:text)/i.test(attr.value)) found.push(`${el.tagName}[${attr.name}=${attr.value}]`);
    }
  }
  return found;
}

describe("IncrementalMarkdown", () => {
  it("renders what renderMarkdown renders, at every point of a stream", () => {
    for (const text of [...TRICKY_MARKDOWN, ...randomMarkdown(40, 3)]) {
      const markdown = new IncrementalMarkdown();
      for (const prefix of prefixes(text, 3)) {
        expect(markdown.render(prefix, false).join("")).toBe(renderMarkdown(prefix));
      }
    }
  });

  it("renders each finished block once; each update renders only the growing block", () => {
    const { markdown, rendered } = counted();
    const text = "# Title\n\nFirst paragraph.\n\n- a\n- b\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\nThe last paragraph grows word by word.";
    const updates = prefixes(text, 4);
    updates.forEach((prefix) => markdown.render(prefix, true));
    markdown.render(text, false);
    const blocks = markdownHtml.lexer(text).filter((token) => token.type !== "space");
    expect(blocks).toHaveLength(5);
    for (const { raw } of blocks) expect(rendered.filter((r) => r === raw)).toHaveLength(1);
    // One render per update for the growing block, plus one per block once it is finished.
    expect(rendered.length).toBeLessThanOrEqual(updates.length + blocks.length);

    rendered.length = 0;
    markdown.render(`${text} More`, true);
    expect(rendered).toEqual(["The last paragraph grows word by word. More"]);
  });

  it("reuses a block's HTML by its source text, also when the same block comes back", () => {
    const { markdown, rendered } = counted();
    const section = "## Step\n\nSame words each time.\n\n";
    markdown.render(section.repeat(3), false);
    expect(rendered).toEqual(["## Step", "Same words each time."]);
  });

  it("renders again the blocks before a change that moves block boundaries", () => {
    const { markdown, rendered } = counted();
    markdown.render("Intro.\n\n1. one\n\n2", true);
    expect(dom(markdown.render("Intro.\n\n1. one\n\n2 more", true)).querySelectorAll("li p")).toHaveLength(0);
    rendered.length = 0;
    const blocks = markdown.render("Intro.\n\n1. one\n\n2. two", true);
    // "2. two" joins the list above it, which turns loose: the list is rendered again.
    expect(rendered).toEqual(["1. one\n\n2. two"]);
    expect(blocks.join("")).toBe(renderMarkdown("Intro.\n\n1. one\n\n2. two"));
    expect(dom(blocks).querySelectorAll("li p")).toHaveLength(2);
  });

  it("renders earlier blocks again when a link definition they use arrives", () => {
    const { markdown, rendered } = counted();
    const start = "See [the docs][d].\n\nPlain words.\n\nMore";
    expect(dom(markdown.render(start, true)).querySelector("a")).toBeNull();
    rendered.length = 0;
    const text = `${start}.\n\n[d]: https://example.com/docs`;
    const blocks = markdown.render(text, true);
    expect(rendered).toContain("See [the docs][d].");
    // A block without "[" cannot use a definition, so it is not rendered again.
    expect(rendered).not.toContain("Plain words.");
    expect(blocks.join("")).toBe(renderMarkdown(text));
    const link = dom(blocks).querySelector("a")!;
    expect(link.getAttribute("href")).toBe("https://example.com/docs");
    expect(link.getAttribute("rel")).toBe("noopener noreferrer");
  });

  it("shows a code block that is still streaming with all its text, highlighted once it is finished", () => {
    const markdown = new IncrementalMarkdown();
    const text = "Code:\n\n```python\ndef add(a, b):\n    return a + b\n```\n\nDone.";
    for (const prefix of prefixes(text.slice(0, text.indexOf("```\n\n")), 2)) {
      const code = dom(markdown.render(prefix, true)).querySelector(".code-block code");
      if (code) expect(prefix.endsWith(code.textContent!) || prefix.endsWith(`${code.textContent}\n`)).toBe(true);
    }
    const final = dom(markdown.render(text, false));
    expect(final.querySelector("code.language-python .hljs-keyword")?.textContent).toBe("def");
    expect(final.querySelector(".code-block code")?.textContent).toBe("def add(a, b):\n    return a + b");
    expect(markdown.render(text, false).join("")).toBe(renderMarkdown(text));
  });

  it("keeps model HTML and script URLs inert however the stream splits them across chunks and blocks", () => {
    const payloads = [
      'Look: <img src=x onerror="window.__pwned=1"> and <script>window.__pwned=2</script>',
      '<div onclick="x()">\nblock html\n\n<svg onload=alert(1)>\n\n</div>',
      "[click](javascript:alert(1)) [ok](JaVaScRiPt:alert(1)) ![i](data:image/svg+xml,<svg/onload=alert(1)>)",
      "```html\n<script>alert(1)</script>\n```\n\n<scr\n\nipt>alert(1)</scr\n\nipt>",
      "[a][x]\n\n[x]: javascript:alert(1)\n\n<iframe src=javascript:alert(1)>",
      '*x*{: style="color:red"} [l](https://a.example "t\\" onmouseover=\\"alert(1)")',
    ];
    for (const payload of payloads) {
      for (const size of [1, 5]) {
        for (const streaming of [true, false]) {
          const markdown = new IncrementalMarkdown();
          for (const prefix of prefixes(payload, size)) expect(runnable(dom(markdown.render(prefix, streaming)))).toEqual([]);
        }
      }
    }
    const host = dom(new IncrementalMarkdown().render(payloads[0]!, false));
    expect(host.textContent).toContain('<img src=x onerror="window.__pwned=1">');
    expect(host.textContent).toContain("<script>window.__pwned=2</script>");
  });
});

describe("renderBlock and renderGrowingCode", () => {
  it("sanitize what they render, whatever the renderer before DOMPurify let through", () => {
    // A text token marked as already escaped is passed through by marked as is.
    const paragraph = {
      type: "paragraph",
      raw: "x",
      text: "x",
      tokens: [{ type: "text", raw: "x", text: '<img src="x" onerror="alert(1)"><a href="javascript:alert(1)">a</a><script>alert(2)</script>', escaped: true }],
    } as Tokens.Paragraph;
    expect(runnable(dom([renderBlock(paragraph)]))).toEqual([]);
    expect(dom([renderBlock(paragraph)]).querySelector("img")).not.toBeNull();

    const hostile = { highlight: () => ({ html: '<img src="x" onerror="alert(1)"><script>alert(2)</script>', language: "js" }) } as unknown as GrowingCodeHighlighter;
    const code = { type: "code", raw: "```js\nx", text: "x", lang: "js" } as Tokens.Code;
    expect(runnable(dom([renderGrowingCode(code, hostile)]))).toEqual([]);
  });
});
