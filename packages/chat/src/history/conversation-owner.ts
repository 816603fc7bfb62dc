import { HistoryStoreError } from "./history-store-error";

/** How stores key a conversation's owner: the user's id, or "" for conversations saved without a signed-in user. */
export function ownerKey(userId: string | undefined): string {
  return userId ?? "";
}

/** The owner's user id back from its key. */
export function ownerId(key: string): string | undefined {
  return key === "" ? undefined : key;
}

const TITLE_LENGTH = 200;

/** A conversation's title: its first message, cut to 200 characters (never inside a surrogate pair). */
export function conversationTitle(message: string): string {
  const characters = Array.from(message);
  return characters.length <= TITLE_LENGTH ? message : characters.slice(0, TITLE_LENGTH).join("");
}

/** The error for an interaction saved into someone else's conversation. */
export function notOwnerError(conversationId: string): HistoryStoreError {
  return new HistoryStoreError({ code: "not-owner", message: `conversation ${conversationId} belongs to another user; the interaction was not saved into it` });
}
