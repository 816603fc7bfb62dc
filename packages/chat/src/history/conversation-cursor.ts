import { StoreError } from "../stores/store-error";

export const DEFAULT_PAGE_SIZE = 20;
export const MAX_PAGE_SIZE = 100;

/** Where a page of conversations ends: the last one's `updatedAt` and id (the list's sort key). */
export interface ConversationCursor {
  updatedAt: number;
  conversationId: string;
}

/** The page size asked for, within 1..MAX_PAGE_SIZE (DEFAULT_PAGE_SIZE when not given). */
export function pageSize(limit: number | undefined): number {
  if (limit === undefined) return DEFAULT_PAGE_SIZE;
  if (!Number.isFinite(limit)) return DEFAULT_PAGE_SIZE;
  return Math.min(MAX_PAGE_SIZE, Math.max(1, Math.floor(limit)));
}

/** Opaque to clients (base64url JSON), so the sort key can change without breaking their URLs' meaning. */
export function encodeCursor(cursor: ConversationCursor): string {
  return Buffer.from(JSON.stringify([cursor.updatedAt, cursor.conversationId]), "utf8").toString("base64url");
}

/** The cursor `encodeCursor` made; a StoreError "invalid-cursor" for anything else. */
export function decodeCursor(text: string | null | undefined): ConversationCursor | undefined {
  if (text === undefined || text === null || text === "") return undefined;
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(text, "base64url").toString("utf8"));
  } catch {
    value = undefined;
  }
  if (!Array.isArray(value) || value.length !== 2 || !Number.isSafeInteger(value[0]) || typeof value[1] !== "string") {
    throw new StoreError({ code: "invalid-cursor", message: "the conversation list cursor is not one this server handed out" });
  }
  return { updatedAt: value[0] as number, conversationId: value[1] };
}

/** Whether a conversation comes after the cursor in the list's order (updatedAt, then id, both descending). */
export function isAfterCursor(conversation: ConversationCursor, cursor: ConversationCursor | undefined): boolean {
  if (!cursor) return true;
  if (conversation.updatedAt !== cursor.updatedAt) return conversation.updatedAt < cursor.updatedAt;
  return compareIds(conversation.conversationId, cursor.conversationId) < 0;
}

/** Ids in UTF-8 byte order, as SQLite (BINARY) and PostgreSQL (COLLATE "C") compare them. */
export function compareIds(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, "utf8"), Buffer.from(b, "utf8"));
}
