import { type InteractionRecord, type InteractionStatus } from "./history-persistence";
import { HistoryStoreError, messageOf } from "./history-store-error";

/** An interaction as a row of the `interactions` table (JSON columns as text). */
export interface InteractionRow {
  conversation_id: string;
  message_id: string;
  message: string;
  history: string;
  response: string;
  events: string;
  context: string;
  started_at: number;
  finished_at: number;
  status: string;
  error: string | null;
}

export function toInteractionRow(record: InteractionRecord): InteractionRow {
  try {
    return {
      conversation_id: record.conversationId,
      message_id: record.messageId,
      message: record.message,
      history: JSON.stringify(record.history),
      response: record.response,
      events: JSON.stringify(record.events),
      context: JSON.stringify(record.context),
      started_at: record.startedAt,
      finished_at: record.finishedAt,
      status: record.status,
      error: record.error ?? null,
    };
  } catch (error) {
    throw new HistoryStoreError({
      code: "serialize-failed",
      message: `interaction ${record.messageId} of conversation ${record.conversationId} cannot be saved as JSON: ${messageOf(error)}`,
      cause: error,
    });
  }
}

export function fromInteractionRow(row: InteractionRow): InteractionRecord {
  const record: InteractionRecord = {
    conversationId: row.conversation_id,
    messageId: row.message_id,
    message: row.message,
    history: parseColumn(row, "history") as InteractionRecord["history"],
    response: row.response,
    events: parseColumn(row, "events") as InteractionRecord["events"],
    context: parseColumn(row, "context") as InteractionRecord["context"],
    startedAt: row.started_at,
    finishedAt: row.finished_at,
    // The table's CHECK constraint admits only the three statuses.
    status: row.status as InteractionStatus,
  };
  if (row.error !== null) record.error = row.error;
  return record;
}

function parseColumn(row: InteractionRow, column: "history" | "events" | "context"): unknown {
  return parseJsonColumn(row[column], `the ${column} column of interaction ${row.message_id} (conversation ${row.conversation_id})`);
}

/** A JSON column's value; a HistoryStoreError "corrupt-record" naming `what` when it is not JSON. */
export function parseJsonColumn(text: string, what: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new HistoryStoreError({ code: "corrupt-record", message: `${what} is not valid JSON`, cause: error });
  }
}
