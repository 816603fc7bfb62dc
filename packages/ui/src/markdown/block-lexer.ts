import { type Links, type Token } from "marked";
import { markdownHtml } from "./markdown-html";

export interface LexedBlocks {
  /** The top-level block tokens (inline tokens included), in document order. */
  tokens: readonly Token[];
  /**
   * Names the link reference definitions in effect ("" when there are none): a block that may
   * use one renders differently when they change.
   */
  linksKey: string;
}

// Every link reference definition ("[label]: url") contains this. Without one, no block's
// rendering depends on text outside it, which is what makes lexing only the end safe.
const DEFINITION_MARK = "]:";

/**
 * Splits a growing markdown text into top-level block tokens without lexing all of it again for
 * every chunk. Text appended to the end can only change the blocks at the end: the last run of
 * blocks not separated by a blank line (a paragraph that turns into a setext heading or a table,
 * a line that stops or starts interrupting the paragraph above it), and the block before the
 * blank line, which may continue across it (a list that gets another item). So only that much
 * is lexed again; if the block before the blank line does not come out exactly as before, the
 * boundaries moved and the whole text is lexed again. Texts with link definitions (rare in
 * answers) are always lexed whole, because a definition arriving late changes how earlier
 * blocks render.
 */
export class BlockLexer {
  private text = "";
  private tokens: Token[] = [];
  /** Where each token starts in `text`. */
  private starts: number[] = [];
  private linksKey = "";
  /** False when the tokens' raw text does not add up to the text: offsets cannot be trusted. */
  private offsetsExact = false;

  lex(input: string): LexedBlocks {
    // marked lexes "\r\n" as "\n"; normalising first keeps token offsets equal to text offsets.
    const text = input.includes("\r") ? input.replace(/\r\n?/g, "\n") : input;
    if (text !== this.text) {
      if (!this.lexTail(text)) this.lexAll(text);
      this.text = text;
    }
    return { tokens: this.tokens, linksKey: this.linksKey };
  }

  private lexAll(text: string): void {
    const lexed = markdownHtml.lexer(text);
    this.tokens = [...lexed];
    this.starts = [];
    this.offsetsExact = appendStarts(this.starts, this.tokens, 0) === text.length;
    this.linksKey = linksKeyOf(lexed.links);
  }

  /** Lexes again from the anchor block on; false when the whole text must be lexed. */
  private lexTail(text: string): boolean {
    if (!this.offsetsExact || !text.startsWith(this.text) || text.includes(DEFINITION_MARK)) return false;
    const anchor = anchorIndex(this.tokens);
    if (anchor === -1) return false;
    const start = this.starts[anchor]!;
    const tail = markdownHtml.lexer(text.slice(start));
    const before = this.tokens[anchor]!;
    if (tail[0]?.type !== before.type || tail[0].raw !== before.raw) return false;
    this.tokens.splice(anchor, Infinity, ...tail);
    this.starts.length = anchor;
    this.offsetsExact = appendStarts(this.starts, tail, start) === text.length;
    return true;
  }
}

/**
 * Where lexing again starts: the block before the blank line(s) ahead of the text's last run of
 * blocks, or -1 when there is none. (marked folds a single newline into the token before it, so
 * a space token always stands for at least one blank line.)
 */
function anchorIndex(tokens: readonly Token[]): number {
  let i = tokens.length - 1;
  while (i >= 0 && tokens[i]!.type === "space") i--;
  while (i >= 0 && tokens[i]!.type !== "space") i--;
  while (i >= 0 && tokens[i]!.type === "space") i--;
  return i;
}

/** Pushes each token's start offset; returns where the last one ends. */
function appendStarts(starts: number[], tokens: readonly Token[], from: number): number {
  let offset = from;
  for (const token of tokens) {
    starts.push(offset);
    offset += token.raw.length;
  }
  return offset;
}

function linksKeyOf(links: Links): string {
  const entries = Object.entries(links);
  return entries.length === 0 ? "" : JSON.stringify(entries);
}
