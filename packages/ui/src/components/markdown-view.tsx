import { memo } from "preact/compat";
import { useMemo } from "preact/hooks";
import { renderMarkdown } from "../markdown/render-markdown";
import { copyText } from "../util/copy-text";

interface Props {
  text: string;
  class?: string;
}

/**
 * Markdown rendered to sanitized HTML (see render-markdown). Re-parsed only when the text changes,
 * so a finished message costs nothing while another one streams.
 */
export const MarkdownView = memo(function MarkdownView({ text, class: className }: Props) {
  const html = useMemo(() => renderMarkdown(text), [text]);
  return <div class={className ? `markdown ${className}` : "markdown"} onClick={onCopyCodeClick} dangerouslySetInnerHTML={{ __html: html }} />;
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
