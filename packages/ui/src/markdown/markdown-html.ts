import { Marked, type Tokens } from "marked";
import { escapeHtml } from "../util/escape-html";
import { safeImageUrl, safeLinkUrl } from "../util/safe-url";
import { type HighlightResult, highlightCode } from "./highlight-code";

/**
 * Markdown tokens → HTML, the first of two safety layers (sanitize-html is the second): the
 * model's own HTML is shown as text, and only http(s)/mailto links and raster images get through.
 * The output still goes through DOMPurify before it reaches the DOM.
 */
export const markdownHtml = new Marked({
  gfm: true,
  breaks: false,
  renderer: {
    html({ text }: Tokens.HTML | Tokens.Tag) {
      return escapeHtml(text);
    },
    link({ href, title, tokens }: Tokens.Link) {
      const inner = this.parser.parseInline(tokens);
      const url = safeLinkUrl(href);
      if (!url) return inner;
      const titleAttr = title ? ` title="${escapeHtml(title)}"` : "";
      return `<a href="${escapeHtml(url)}"${titleAttr} target="_blank" rel="noopener noreferrer">${inner}</a>`;
    },
    image({ href, title, text }: Tokens.Image) {
      const url = safeImageUrl(href);
      if (!url) return escapeHtml(text);
      const titleAttr = title ? ` title="${escapeHtml(title)}"` : "";
      return `<img src="${escapeHtml(url)}" alt="${escapeHtml(text)}"${titleAttr} loading="lazy">`;
    },
    code({ text, lang }: Tokens.Code) {
      return codeBlockHtml(highlightCode(codeText(text), lang));
    },
    table(token: Tokens.Table) {
      // Wide tables scroll inside the message instead of stretching the page on phones.
      const header = token.header.map((cell) => this.tablecell(cell)).join("");
      const rows = token.rows.map((row) => `<tr>${row.map((cell) => this.tablecell(cell)).join("")}</tr>`).join("");
      return `<div class="table-wrap"><table><thead><tr>${header}</tr></thead><tbody>${rows}</tbody></table></div>`;
    },
  },
});

/** The code of a code token as it is shown (and copied): without the fence's final newline. */
export function codeText(text: string): string {
  return text.replace(/\n$/, "");
}

/** A code block with its language label and copy button, around already highlighted (escaped) code. */
export function codeBlockHtml({ html, language }: HighlightResult): string {
  const label = language ? escapeHtml(language) : "text";
  const languageClass = language ? ` language-${escapeHtml(language)}` : "";
  return (
    `<div class="code-block"><div class="code-head"><span class="code-lang">${label}</span>` +
    `<button type="button" class="copy-code" data-copy-code aria-label="Copy code">Copy</button></div>` +
    `<pre><code class="hljs${languageClass}">${html}</code></pre></div>`
  );
}
