import { markdownHtml } from "./markdown-html";
import { sanitizeHtml } from "./sanitize-html";

/**
 * Model output → safe HTML, in one go. Two layers: markdown-html never emits the model's own HTML
 * and lets only safe links and images through; then sanitize-html (DOMPurify) removes anything
 * else that could run. A streaming answer uses IncrementalMarkdown instead, which applies the
 * same two layers block by block.
 */
export function renderMarkdown(markdown: string): string {
  return sanitizeHtml(markdownHtml.parse(markdown, { async: false }));
}
