import { type Token, type Tokens } from "marked";
import { BlockLexer } from "./block-lexer";
import { GrowingCodeHighlighter } from "./growing-code";
import { renderBlock as defaultRenderBlock, renderGrowingCode } from "./render-block";

interface CachedBlock {
  /** The link definitions the HTML was rendered with (see BlockLexer's linksKey). */
  linksKey: string;
  html: string;
}

/**
 * Markdown of one message, rendered block by block so that a streaming answer costs one block per
 * frame: each top-level block is rendered (parsed, highlighted, sanitized) once and kept by its
 * source text; only the block still growing is rendered again. Every block goes through
 * DOMPurify; nothing rendered is ever reused for a different source text.
 */
export class IncrementalMarkdown {
  private readonly lexer = new BlockLexer();
  private readonly growingCode = new GrowingCodeHighlighter();
  /** The blocks of the previous update, by source text. */
  private cache = new Map<string, CachedBlock>();

  constructor(private readonly renderBlock: (token: Token) => string = defaultRenderBlock) {}

  /**
   * Sanitized HTML of each block that shows something (blank lines and link definitions do not),
   * in order. While `streaming`, the last block is unfinished: if it is a code block, it is
   * highlighted only every few updates (see GrowingCodeHighlighter) and not cached.
   */
  render(text: string, streaming: boolean): string[] {
    const { tokens, linksKey } = this.lexer.lex(text);
    const growing = streaming ? lastBlockIndex(tokens) : -1;
    const kept = new Map<string, CachedBlock>();
    const blocks: string[] = [];
    for (let i = 0; i < tokens.length; i++) {
      const token = tokens[i]!;
      if (token.type === "space") continue;
      const html = i === growing && token.type === "code" ? renderGrowingCode(token as Tokens.Code, this.growingCode) : this.block(token, linksKey, kept);
      if (html !== "") blocks.push(html);
    }
    this.cache = kept;
    return blocks;
  }

  /** A block's HTML from the cache, or rendered and cached. */
  private block(token: Token, linksKey: string, kept: Map<string, CachedBlock>): string {
    const hit = kept.get(token.raw) ?? this.cache.get(token.raw);
    // Only a block with a "[" can use a link definition; the others stay valid when they change.
    const html = hit && (hit.linksKey === linksKey || !token.raw.includes("[")) ? hit.html : this.renderBlock(token);
    kept.set(token.raw, { linksKey, html });
    return html;
  }
}

function lastBlockIndex(tokens: readonly Token[]): number {
  for (let i = tokens.length - 1; i >= 0; i--) if (tokens[i]!.type !== "space") return i;
  return -1;
}
