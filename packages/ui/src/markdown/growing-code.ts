import { escapeHtml } from "../util/escape-html";
import { type HighlightResult, highlightSnapshot } from "./highlight-code";

// A code block that is still streaming is highlighted again every this many updates (a few times
// a second); its cost grows with the block, so doing it every frame would not stay cheap.
export const HIGHLIGHT_EVERY = 6;

/**
 * Highlighting for the one code block that is still growing. Between two highlights, the code
 * that arrived since is appended to the last highlighted HTML as plain, escaped text: the block
 * shows all its text at once, and the colours catch up a few frames later.
 */
export class GrowingCodeHighlighter {
  private code = "";
  private lang = "";
  private last: HighlightResult | null = null;
  private updatesSince = 0;

  highlight(code: string, requested: string | undefined): HighlightResult {
    const lang = requested ?? "";
    const last = this.last;
    const canExtend = last !== null && lang === this.lang && code.startsWith(this.code);
    if (canExtend && ++this.updatesSince < HIGHLIGHT_EVERY) {
      return { html: last.html + escapeHtml(code.slice(this.code.length)), language: last.language };
    }
    this.last = highlightSnapshot(code, lang);
    this.code = code;
    this.lang = lang;
    this.updatesSince = 0;
    return this.last;
  }
}
