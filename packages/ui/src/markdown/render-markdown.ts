import DOMPurify from "dompurify";
import { Marked, type Tokens } from "marked";
import { escapeHtml } from "../util/escape-html";
import { safeImageUrl, safeLinkUrl } from "../util/safe-url";
import { highlightCode } from "./highlight-code";

/**
 * Model output → safe HTML. Two layers: the renderer never emits the model's own HTML (it is shown
 * as text) and only lets http(s)/mailto links and raster images through; then DOMPurify removes
 * anything else that could run (event handlers, javascript: URLs, <script>, style attributes).
 */
const marked = new Marked({
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
      const { html, language } = highlightCode(text.replace(/\n$/, ""), lang);
      const label = language ? escapeHtml(language) : "text";
      const languageClass = language ? ` language-${escapeHtml(language)}` : "";
      return (
        `<div class="code-block"><div class="code-head"><span class="code-lang">${label}</span>` +
        `<button type="button" class="copy-code" data-copy-code aria-label="Copy code">Copy</button></div>` +
        `<pre><code class="hljs${languageClass}">${html}</code></pre></div>`
      );
    },
    table(token: Tokens.Table) {
      // Wide tables scroll inside the message instead of stretching the page on phones.
      const header = token.header.map((cell) => this.tablecell(cell)).join("");
      const rows = token.rows.map((row) => `<tr>${row.map((cell) => this.tablecell(cell)).join("")}</tr>`).join("");
      return `<div class="table-wrap"><table><thead><tr>${header}</tr></thead><tbody>${rows}</tbody></table></div>`;
    },
  },
});

let hooksInstalled = false;

function installHooks(): void {
  if (hooksInstalled) return;
  hooksInstalled = true;
  DOMPurify.addHook("afterSanitizeAttributes", (node) => {
    if (node.tagName === "A" && node.hasAttribute("href")) {
      node.setAttribute("target", "_blank");
      node.setAttribute("rel", "noopener noreferrer");
    }
  });
}

/** Sanitized HTML for a markdown string. Safe to assign to innerHTML. */
export function renderMarkdown(markdown: string): string {
  installHooks();
  const html = marked.parse(markdown, { async: false });
  return DOMPurify.sanitize(html, {
    USE_PROFILES: { html: true },
    ADD_ATTR: ["target"],
    FORBID_TAGS: ["style", "form", "textarea", "select", "option", "iframe", "object", "embed"],
    FORBID_ATTR: ["style", "srcset", "formaction", "action"],
  });
}
