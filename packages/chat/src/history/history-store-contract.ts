/**
 * The behaviour every HistoryPersistence implementation must have, run by each store's test file
 * against a fresh store (this file is imported by tests only; it is not part of the package API).
 */
import { type HistoryPersistence, type InteractionRecord } from "./history-persistence";
import { HistoryStoreError } from "./history-store-error";

export interface StoreUnderTest {
  store: HistoryPersistence;
  /** Closes the store and removes what it wrote. */
  dispose: () => Promise<void>;
}

let sequence = 0;

/** A complete record, unique per call, with everything overridable. */
export function makeRecord(overrides: Partial<InteractionRecord> = {}): InteractionRecord {
  sequence += 1;
  return {
    conversationId: "conv-1",
    messageId: `msg-${sequence}`,
    message: `question ${sequence}`,
    history: [
      { role: "system", content: "Be brief." },
      { role: "user", content: "earlier question" },
      { role: "assistant", content: "earlier answer" },
    ],
    response: `answer ${sequence}`,
    events: [
      { type: "reference", content: { title: "Doc", content: "quoted", url: null } },
      { type: "usage", content: { usage: { "gpt-4o-mini": { n_requests: 1, estimated_cost: 0.0001, prompt_tokens: 12, completion_tokens: 3, total_tokens: 15 } } } },
      { type: "my_custom_event", content: { nested: { list: [1, 2, 3], flag: true } } },
    ],
    context: { conversation_id: "conv-1", message_id: `msg-${sequence}`, state: { step: 2 }, timezone: "Europe/Warsaw", user_settings: { lang: "pl" } },
    startedAt: 1_750_000_000_000 + sequence * 1000,
    finishedAt: 1_750_000_000_000 + sequence * 1000 + 250,
    status: "completed",
    ...overrides,
  };
}

/** Text that breaks naive storage: emoji (astral plane), CJK, RTL, combining marks, separators, quotes, escapes. */
export const AWKWARD_TEXT = "Zażółć 🦄👩🏽‍💻 漢字かなカナ 한국어 مرحبا e\u0301 \u2028\u2029 line1\nline2\r\n\t\"quoted\" \\backslash\\ {\"json\":true}";

export function describeHistoryStoreContract(name: string, createStore: () => Promise<StoreUnderTest>): void {
  describe(`${name} (HistoryPersistence contract)`, () => {
    let subject: StoreUnderTest;
    beforeEach(async () => {
      subject = await createStore();
    });
    afterEach(async () => {
      await subject.dispose();
    });

    it("round-trips a complete record exactly", async () => {
      const record = makeRecord();
      await subject.store.saveInteraction(record);
      expect(await subject.store.getConversation("conv-1")).toEqual([record]);
    });

    it("round-trips unicode (emoji, CJK, separators, escapes) in every text field", async () => {
      const record = makeRecord({
        conversationId: `会話-🧵-${AWKWARD_TEXT}`,
        message: AWKWARD_TEXT,
        response: `${AWKWARD_TEXT} ✅`,
        history: [{ role: "user", content: AWKWARD_TEXT }],
        events: [{ type: "text_like", content: { text: AWKWARD_TEXT } }],
        context: { state: { note: AWKWARD_TEXT } },
      });
      await subject.store.saveInteraction(record);
      expect(await subject.store.getConversation(record.conversationId)).toEqual([record]);
    });

    it("keeps the partial answer of an aborted interaction", async () => {
      const record = makeRecord({ response: "The answer was cut o", status: "aborted", events: [] });
      await subject.store.saveInteraction(record);
      const [saved] = await subject.store.getConversation("conv-1");
      expect(saved).toEqual(record);
      expect(saved?.status).toBe("aborted");
      expect(saved).not.toHaveProperty("error");
    });

    it("keeps the error of a failed interaction", async () => {
      const record = makeRecord({ response: "", status: "error", error: "LLMRateLimitError: openai (gpt-4o-mini): 429", events: [{ type: "error", content: { message: "Please try again." } }] });
      await subject.store.saveInteraction(record);
      expect(await subject.store.getConversation("conv-1")).toEqual([record]);
    });

    it("keeps every one of 200 concurrent saves, readable and intact", async () => {
      const records = Array.from({ length: 200 }, (_, i) => makeRecord({ message: `${i} ${AWKWARD_TEXT}`.repeat(1 + (i % 7)), startedAt: 1_000 + i }));
      await Promise.all(records.map((record) => subject.store.saveInteraction(record)));
      expect(await subject.store.getConversation("conv-1")).toEqual(records);
    });

    it("returns only the asked conversation, oldest first, whatever the save order", async () => {
      const late = makeRecord({ conversationId: "a", startedAt: 3_000 });
      const early = makeRecord({ conversationId: "a", startedAt: 1_000 });
      const other = makeRecord({ conversationId: "b", startedAt: 2_000 });
      const tieFirst = makeRecord({ conversationId: "a", startedAt: 2_000 });
      const tieSecond = makeRecord({ conversationId: "a", startedAt: 2_000 });
      for (const record of [late, other, early, tieFirst, tieSecond]) await subject.store.saveInteraction(record);
      expect(await subject.store.getConversation("a")).toEqual([early, tieFirst, tieSecond, late]);
      expect(await subject.store.getConversation("b")).toEqual([other]);
      expect(await subject.store.getConversation("unknown")).toEqual([]);
    });

    it("does not store properties outside the record's shape", async () => {
      const record = makeRecord();
      await subject.store.saveInteraction({ ...record, signal: new AbortController().signal } as InteractionRecord);
      expect(await subject.store.getConversation("conv-1")).toEqual([record]);
    });

    it("rejects a record that cannot be JSON, and keeps working", async () => {
      const cyclic: Record<string, unknown> = {};
      cyclic.self = cyclic;
      const failure = subject.store.saveInteraction(makeRecord({ context: cyclic }));
      await expect(failure).rejects.toBeInstanceOf(HistoryStoreError);
      await expect(failure).rejects.toMatchObject({ code: "serialize-failed" });
      const record = makeRecord();
      await subject.store.saveInteraction(record);
      expect(await subject.store.getConversation("conv-1")).toEqual([record]);
    });

    it("rejects use after close, and closing twice is harmless", async () => {
      await subject.store.saveInteraction(makeRecord());
      await subject.store.close?.();
      await subject.store.close?.();
      await expect(subject.store.saveInteraction(makeRecord())).rejects.toMatchObject({ name: "HistoryStoreError", code: "closed" });
      await expect(subject.store.getConversation("conv-1")).rejects.toMatchObject({ code: "closed" });
    });
  });
}
