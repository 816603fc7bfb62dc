/** What the upstream streams for every chat-completions request until it is told otherwise. */
export interface StreamShape {
  /** Content chunks per answer. */
  chunks: number;
  /** Characters of text per chunk (about 4 is one token). */
  chunkChars: number;
  /** Pause between content chunks; 0 sends the whole answer at once (measures pure CPU cost). */
  delayMs: number;
  /** Send the first content chunk, then nothing: the stream stays open until the client leaves. */
  hold: boolean;
  /**
   * "marker": every chunk begins with MARKER so clients can count chunks by scanning bytes,
   * whatever framing a server wraps them in. "markdown": a realistic markdown answer (for the UI).
   */
  text: "marker" | "markdown";
}

/**
 * One byte that marks the start of every content chunk in "marker" mode. `~` survives JSON
 * encoding unescaped and appears nowhere else in any framing used here, so counting it in the
 * raw bytes of a response counts the text chunks it carries.
 */
export const MARKER = "~";
export const MARKER_BYTE = MARKER.charCodeAt(0);

export const DEFAULT_SHAPE: StreamShape = { chunks: 32, chunkChars: 4, delayMs: 0, hold: false, text: "marker" };
