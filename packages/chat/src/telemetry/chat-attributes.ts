/**
 * What a chat turn records. `gen_ai.conversation.id` is the GenAI conventions' own attribute; the
 * rest are `ragbits.*`, where the conventions name nothing (semconv v1.41).
 */
export const TURN = {
  spanName: "ragbits.chat.turn",
  conversationId: "gen_ai.conversation.id",
  messageId: "ragbits.chat.message_id",
  chatName: "ragbits.chat.name",
  outcome: "ragbits.chat.outcome",
  eventsSent: "ragbits.chat.events_sent",
  historyLength: "ragbits.chat.history.length",
  firstTokenEvent: "ragbits.chat.first_token",
  errorType: "error.type",
} as const;

export const CHAT_METRICS = {
  turns: "ragbits.chat.turns",
  turnDuration: "ragbits.chat.turn.duration",
  timeToFirstToken: "ragbits.chat.turn.time_to_first_token",
  activeStreams: "ragbits.chat.active_streams",
  historyLength: "ragbits.chat.history.length",
} as const;

/**
 * The context key @ragbits/core reads for `gen_ai.conversation.id` on model-call spans made during
 * a turn (`createContextKey` is `Symbol.for`, so the two packages share it).
 */
export const CONVERSATION_ID_CONTEXT_KEY = "ragbits.gen_ai.conversation.id";

/** How a turn ended: the InteractionRecord's status. */
export type TurnOutcome = "completed" | "aborted" | "error";

export const INSTRUMENTATION_SCOPE = "@ragbits/chat";
