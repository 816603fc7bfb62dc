import { type HistoryPersistence, type InteractionRecord } from "../../src/history/history-persistence";

/** Records interactions in memory, for asserting what the framework saved. */
export class MemoryHistory implements HistoryPersistence {
  readonly records: InteractionRecord[] = [];

  async saveInteraction(record: InteractionRecord): Promise<void> {
    this.records.push(record);
  }

  async getConversation(conversationId: string): Promise<InteractionRecord[]> {
    return this.records.filter((record) => record.conversationId === conversationId);
  }
}
