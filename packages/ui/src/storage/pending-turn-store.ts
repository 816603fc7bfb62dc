import { type Conversation } from "../chat/chat-types";

/**
 * An answer still streaming when the page went away: what a reload needs to re-attach to it. The
 * conversation is kept as it was when the turn started (the user's message and the empty answer),
 * since the answer is rebuilt from the server's replay, which starts at its first event.
 */
export interface PendingTurn {
  conversation: Conversation;
  /** The local id of the assistant message being streamed. */
  assistantId: string;
  /** The server's message_id and resume token of the turn. */
  messageId: string;
  token: string;
}

export interface PendingTurnStore {
  save(turn: PendingTurn): void;
  load(): PendingTurn | null;
  clear(): void;
}

/**
 * Kept in sessionStorage: it survives a reload of this tab but not the tab, and other tabs do not
 * see it (each tab resumes its own answer; the token never reaches localStorage). Storage that
 * throws (disabled, full) means nothing is kept: a reload then shows the answer as stopped.
 */
export class SessionPendingTurnStore implements PendingTurnStore {
  constructor(private readonly key: string) {}

  save(turn: PendingTurn): void {
    try {
      sessionStorage.setItem(this.key, JSON.stringify(turn));
    } catch {
      // Not kept: this answer cannot survive a reload.
    }
  }

  load(): PendingTurn | null {
    try {
      const raw = sessionStorage.getItem(this.key);
      if (raw === null) return null;
      const turn = JSON.parse(raw) as Partial<PendingTurn> | null;
      const valid = turn && typeof turn.messageId === "string" && typeof turn.token === "string" && typeof turn.assistantId === "string" && Array.isArray(turn.conversation?.messages);
      return valid ? (turn as PendingTurn) : null;
    } catch {
      return null;
    }
  }

  clear(): void {
    try {
      sessionStorage.removeItem(this.key);
    } catch {
      // Nothing was kept.
    }
  }
}
