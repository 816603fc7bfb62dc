import { type InteractionRecord, type InteractionStatus } from "./history-persistence";

const STATUSES: readonly string[] = ["completed", "aborted", "error"] satisfies InteractionStatus[];

/**
 * The fields a store keeps, in a fixed order. Both stores save exactly these, so a record reads back
 * the same from either, and an object carrying extra properties does not leak them into storage.
 */
export function storedInteraction(record: InteractionRecord): InteractionRecord {
  const stored: InteractionRecord = {
    conversationId: record.conversationId,
    messageId: record.messageId,
    message: record.message,
    history: record.history,
    response: record.response,
    events: record.events,
    context: record.context,
    startedAt: record.startedAt,
    finishedAt: record.finishedAt,
    status: record.status,
  };
  if (record.error !== undefined) stored.error = record.error;
  if (record.userId !== undefined) stored.userId = record.userId;
  return stored;
}

/** Whether a value read back from storage has the shape of an InteractionRecord. */
export function isInteractionRecord(value: unknown): value is InteractionRecord {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return false;
  const v = value as Record<string, unknown>;
  return (
    typeof v.conversationId === "string" &&
    typeof v.messageId === "string" &&
    typeof v.message === "string" &&
    Array.isArray(v.history) &&
    typeof v.response === "string" &&
    Array.isArray(v.events) &&
    typeof v.context === "object" &&
    v.context !== null &&
    typeof v.startedAt === "number" &&
    typeof v.finishedAt === "number" &&
    typeof v.status === "string" &&
    STATUSES.includes(v.status) &&
    (v.error === undefined || typeof v.error === "string") &&
    (v.userId === undefined || typeof v.userId === "string")
  );
}

/** Oldest first by start time; records that started together keep their stored order (the sort is stable). */
export function byStartTime(a: InteractionRecord, b: InteractionRecord): number {
  return a.startedAt - b.startedAt;
}
