import { memo } from "preact/compat";

/**
 * One top-level markdown block, already sanitized (see IncrementalMarkdown). Memoized on its HTML:
 * while an answer streams, the finished blocks keep their DOM nodes, so the browser neither
 * rebuilds nor lays them out again; only the growing block's content is replaced.
 */
export const MarkdownBlock = memo(function MarkdownBlock({ html }: { html: string }) {
  return <div class="md-block" dangerouslySetInnerHTML={{ __html: html }} />;
});
