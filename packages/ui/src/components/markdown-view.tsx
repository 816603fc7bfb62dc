import { memo } from "preact/compat";
import { useMemo, useState } from "preact/hooks";
import { IncrementalMarkdown } from "../markdown/incremental-markdown";
import { copyText } from "../util/copy-text";
import { MarkdownBlock } from "./markdown-block";

interface Props {
  text: string;
  /** The text is an answer still streaming in: its last block is unfinished. */
  streaming?: boolean;
  class?: string;
}

/**
 * Markdown rendered to sanitized HTML, block by block (see IncrementalMarkdown): while an answer
 * streams, each frame renders only its growing last block and replaces only that block's DOM.
 * Memoized, so a finished message costs nothing while another one streams.
 */
export const MarkdownView = memo(function MarkdownView({ text, streaming = false, class: className }: Props) {
  const [renderer] = useState(() => new IncrementalMarkdown());
  const blocks = useMemo(() => renderer.render(text, streaming), [renderer, text, streaming]);
  return (
    <div class={className ? `markdown ${className}` : "markdown"} onClick={onCopyCodeClick}>
      {/* Keyed by position: a streaming text only grows at its end, so finished blocks keep theirs. */}
      {blocks.map((html, index) => (
        <MarkdownBlock key={index} html={html} />
      ))}
    </div>
  );
});

// One delegated listener instead of a handler per code block: the blocks are plain HTML.
async function onCopyCodeClick(event: MouseEvent): Promise<void> {
  const button = (event.target as Element | null)?.closest?.("[data-copy-code]");
  if (!(button instanceof HTMLButtonElement)) return;
  const code = button.closest(".code-block")?.querySelector("pre code")?.textContent ?? "";
  const ok = await copyText(code);
  button.textContent = ok ? "Copied" : "Copy failed";
  setTimeout(() => {
    button.textContent = "Copy";
  }, 1500);
}
