import { type ChatFormat } from "@ragbits/core";

/** Names a new conversation from its first message (shown in the UI's conversation list). */
export type SummaryGenerator = (message: string, history: ChatFormat) => string | Promise<string>;

/** "New chat" for messages of two words or fewer; otherwise the first six words. */
export const firstWordsSummary: SummaryGenerator = (message) => {
  const words = message.trim().split(/\s+/).filter(Boolean);
  if (words.length <= 2) return "New chat";
  return words.slice(0, 6).join(" ");
};
