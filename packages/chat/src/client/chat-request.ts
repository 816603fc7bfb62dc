import { type ChatMessage, type ChatMessageRequest, type ChatRequestContext, type SignedState } from "../protocol/chat-request";

export type { ChatMessage, ChatMessageRequest, ChatRequestContext, SignedState };

/** The user's IANA time zone, as the Ragbits UI sends it; undefined where Intl cannot tell. */
export function localTimezone(): string | undefined {
  try {
    return Intl.DateTimeFormat().resolvedOptions().timeZone || undefined;
  } catch {
    return undefined;
  }
}
