import { type Token, type Tokens } from "marked";
import { type GrowingCodeHighlighter } from "./growing-code";
import { codeBlockHtml, codeText, markdownHtml } from "./markdown-html";
import { sanitizeHtml } from "./sanitize-html";

/**
 * One top-level block → sanitized HTML, through the same two layers as renderMarkdown. marked
 * renders a text block by block, so the blocks' HTML, joined, is what renderMarkdown gives for the
 * whole text, and each block's HTML is complete on its own.
 */
export function renderBlock(token: Token): string {
  return sanitizeHtml(markdownHtml.parser([token]));
}

/** A code block that is still streaming, highlighted by `highlighter` instead of all over again. */
export function renderGrowingCode({ text, lang }: Tokens.Code, highlighter: GrowingCodeHighlighter): string {
  return sanitizeHtml(codeBlockHtml(highlighter.highlight(codeText(text), lang)));
}
