import { type InteractionRecord } from "./history-persistence";
import { HistoryStoreError, messageOf } from "./history-store-error";
import { isInteractionRecord, storedInteraction } from "./stored-interaction";

export type ParsedJsonlLine = { record: InteractionRecord } | { problem: string };

/**
 * One record as one line. JSON.stringify escapes newlines inside strings, so "\n" only ever
 * separates records; non-ASCII text (emoji, CJK) is written as UTF-8 as is.
 */
export function formatJsonlLine(record: InteractionRecord): string {
  try {
    return `${JSON.stringify(storedInteraction(record))}\n`;
  } catch (error) {
    throw new HistoryStoreError({
      code: "serialize-failed",
      message: `interaction ${record.messageId} of conversation ${record.conversationId} cannot be saved as JSON: ${messageOf(error)}`,
      cause: error,
    });
  }
}

/**
 * Reads one line back. A bad line is described, never thrown: one torn write must not make a whole
 * history unreadable. The description leaves the line's text out, since it holds user content.
 */
export function parseJsonlLine(line: string): ParsedJsonlLine {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return { problem: "is not valid JSON (a torn write or a corrupted file) and was skipped" };
  }
  return isInteractionRecord(value) ? { record: value } : { problem: "is not an interaction record and was skipped" };
}
