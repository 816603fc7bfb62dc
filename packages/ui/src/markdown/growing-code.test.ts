import { escapeHtml } from "../util/escape-html";
import { GrowingCodeHighlighter, HIGHLIGHT_EVERY } from "./growing-code";
import { highlightSnapshot } from "./highlight-code";

const CODE = "def add(a, b):\n    return a + b\n\nprint(add(1, 2))\n# <b>not markup</b>";

/** The text a piece of highlighted HTML shows. */
function shownText(html: string): string {
  return html.replace(/<[^>]+>/g, "").replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&amp;/g, "&");
}

describe("GrowingCodeHighlighter", () => {
  it(`highlights again only every ${HIGHLIGHT_EVERY} updates, appending what arrived in between as escaped text`, () => {
    const highlighter = new GrowingCodeHighlighter();
    let highlightedAt = "";
    for (let end = 1; end <= CODE.length; end++) {
      const code = CODE.slice(0, end);
      const result = highlighter.highlight(code, "python");
      expect(shownText(result.html)).toBe(code);
      expect(result.language).toBe("python");
      if ((end - 1) % HIGHLIGHT_EVERY === 0) {
        expect(result).toEqual(highlightSnapshot(code, "python"));
        highlightedAt = code;
      } else {
        const base = highlightSnapshot(highlightedAt, "python").html;
        expect(result.html).toBe(base + escapeHtml(code.slice(highlightedAt.length)));
      }
    }
  });

  it("highlights afresh when the code is not a continuation or the language changes", () => {
    const highlighter = new GrowingCodeHighlighter();
    highlighter.highlight("def a():", "python");
    expect(highlighter.highlight("const b = 1;", "python")).toEqual(highlightSnapshot("const b = 1;", "python"));
    expect(highlighter.highlight("const b = 1;", "js")).toEqual(highlightSnapshot("const b = 1;", "js"));
  });

  it("leaves code without a language plain instead of auto-detecting it again and again", () => {
    const highlighter = new GrowingCodeHighlighter();
    expect(highlighter.highlight("def add(a, b): <script>", undefined)).toEqual({ html: escapeHtml("def add(a, b): <script>"), language: "" });
  });
});
