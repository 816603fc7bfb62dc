export type { HistoryPersistence, InteractionRecord, InteractionStatus } from "./history-persistence";
export { HistoryStoreError, type HistoryStoreErrorCode, type HistoryStoreErrorOptions } from "./history-store-error";
export type { HistoryStoreWarning, HistoryStoreWarningHandler } from "./history-store-warning";
export { JsonlHistoryStore, type JsonlHistoryStoreOptions } from "./jsonl-history-store";
export { SqliteHistoryStore, type SqliteHistoryStoreOptions } from "./sqlite-history-store";
export {
  type ConversationPage,
  type ConversationSummary,
  type FeedbackRecord,
  type HistoryStore,
  type InteractionWithFeedback,
  type ListConversationsOptions,
  isHistoryStore,
} from "./history-store";
export { MemoryHistoryStore } from "./memory-history-store";
