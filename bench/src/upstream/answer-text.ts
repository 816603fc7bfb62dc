import { MARKER, type StreamShape } from "./stream-shape";

const FILLER = "the quick brown fox jumps over a lazy dog and ";

/** A markdown answer like the ones chat UIs render: headings, lists, emphasis, code, a table. */
const MARKDOWN_SECTION = [
  "## Streaming, step by step\n\n",
  "Here is how the pieces fit together. The **server** reads the model's stream and forwards each chunk as an event; the *browser* renders it as it arrives.\n\n",
  "1. Open the request and flush the headers at once.\n2. Forward every chunk, respecting backpressure.\n3. Close cleanly, even when the client leaves early.\n\n",
  "```ts\nfor await (const chunk of llm.generateStreaming(messages)) {\n  yield this.createTextResponse(chunk);\n}\n```\n\n",
  "| step | cost | note |\n|---|---|---|\n| parse | low | one JSON per frame |\n| render | medium | markdown, then highlight |\n\n",
  "> Keep the main thread free: a long task blocks input and scrolling.\n\n",
  "- `fetch` with a streaming body\n- an SSE parser\n- incremental markdown\n\n",
].join("");

/** The text of each chunk for a shape. */
export function chunkTexts(shape: StreamShape): string[] {
  return shape.text === "markdown" ? markdownChunks(shape) : markerChunks(shape);
}

function markerChunks({ chunks, chunkChars }: StreamShape): string[] {
  const texts: string[] = [];
  for (let i = 0; i < chunks; i++) {
    let text = MARKER;
    for (let j = 0; text.length < chunkChars; j++) text += FILLER[(i * 7 + j) % FILLER.length];
    texts.push(text);
  }
  return texts;
}

function markdownChunks({ chunks, chunkChars }: StreamShape): string[] {
  let source = "";
  while (source.length < chunks * chunkChars) source += MARKDOWN_SECTION;
  const texts: string[] = [];
  for (let i = 0; i < chunks; i++) texts.push(source.slice(i * chunkChars, (i + 1) * chunkChars));
  return texts;
}
