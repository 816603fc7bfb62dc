/**
 * The behaviour every HistoryPersistence implementation must have, run by each store's test file
 * against a fresh store (this file is imported by tests only; it is not part of the package API).
 */
import { type HistoryPersistence, type InteractionRecord } from "./history-persistence";
import { type FeedbackRecord, type HistoryStore } from "./history-store";
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

export interface HistoryStoreUnderTest {
  store: HistoryStore;
  /** Another store on the same database, as another replica would open it (SQLite, PostgreSQL). */
  peer?: () => Promise<HistoryStore>;
  dispose: () => Promise<void>;
}

function feedback(overrides: Partial<FeedbackRecord> & Pick<FeedbackRecord, "messageId">): FeedbackRecord {
  return { feedback: "like", payload: { reason: `good ${AWKWARD_TEXT}`, stars: 5 }, createdAt: 1_750_000_100_000, ...overrides };
}

/**
 * What a HistoryStore adds to HistoryPersistence: conversations per owner (listed newest first, in
 * pages), feedback kept on the interaction, deletion, and the owner check on every write and read.
 */
export function describeConversationStoreContract(name: string, createStore: () => Promise<HistoryStoreUnderTest>): void {
  describe(`${name} (HistoryStore contract)`, () => {
    let subject: HistoryStoreUnderTest;
    beforeEach(async () => {
      subject = await createStore();
      await subject.store.open();
    });
    afterEach(async () => {
      await subject.dispose();
    });

    it("answers ping", async () => {
      await expect(subject.store.ping()).resolves.toBeUndefined();
    });

    it("keeps the user an interaction belongs to", async () => {
      const record = makeRecord({ conversationId: "owned", userId: "alice" });
      await subject.store.saveInteraction(record);
      expect(await subject.store.getConversation("owned")).toEqual([record]);
    });

    it("lists a user's conversations newest first, with title, times and size, and nobody else's", async () => {
      await subject.store.saveInteraction(makeRecord({ conversationId: "a-1", userId: "alice", message: "first of old", startedAt: 1_000, finishedAt: 1_500 }));
      await subject.store.saveInteraction(makeRecord({ conversationId: "a-2", userId: "alice", message: "hello new", startedAt: 2_000, finishedAt: 2_500 }));
      await subject.store.saveInteraction(makeRecord({ conversationId: "a-1", userId: "alice", message: "second of old", startedAt: 3_000, finishedAt: 3_500 }));
      await subject.store.saveInteraction(makeRecord({ conversationId: "b-1", userId: "bob", startedAt: 4_000, finishedAt: 4_500 }));
      await subject.store.saveInteraction(makeRecord({ conversationId: "anon", startedAt: 5_000, finishedAt: 5_500 }));
      expect(await subject.store.listConversations("alice")).toEqual({
        conversations: [
          { conversationId: "a-1", title: "first of old", createdAt: 1_000, updatedAt: 3_500, interactionCount: 2 },
          { conversationId: "a-2", title: "hello new", createdAt: 2_000, updatedAt: 2_500, interactionCount: 1 },
        ],
        nextCursor: null,
      });
      expect((await subject.store.listConversations("bob")).conversations.map((c) => c.conversationId)).toEqual(["b-1"]);
      expect((await subject.store.listConversations(undefined)).conversations.map((c) => c.conversationId)).toEqual(["anon"]);
      expect(await subject.store.listConversations("carol")).toEqual({ conversations: [], nextCursor: null });
    });

    it("titles a conversation with its earliest message, cut to 200 characters, whatever the save order", async () => {
      const long = `${"🦄".repeat(199)}漢字 and more`;
      await subject.store.saveInteraction(makeRecord({ conversationId: "t", message: "later question", startedAt: 2_000, finishedAt: 2_100 }));
      await subject.store.saveInteraction(makeRecord({ conversationId: "t", message: long, startedAt: 1_000, finishedAt: 1_100 }));
      const [summary] = (await subject.store.listConversations(undefined)).conversations;
      expect(summary).toEqual({ conversationId: "t", title: `${"🦄".repeat(199)}漢`, createdAt: 1_000, updatedAt: 2_100, interactionCount: 2 });
    });

    it("pages through conversations with an opaque cursor: every one once, in order, ties broken by id", async () => {
      // 25 conversations in groups of 4 that finish at the same moment; the lower ids finish last.
      const ids = Array.from({ length: 25 }, (_, i) => `conv-${String(i).padStart(2, "0")}`);
      for (const [i, id] of ids.entries()) await subject.store.saveInteraction(makeRecord({ conversationId: id, userId: "alice", startedAt: 100 + i, finishedAt: 2_000 - Math.floor(i / 4) }));
      const seen: string[] = [];
      let cursor: string | null = null;
      let pages = 0;
      do {
        const page = await subject.store.listConversations("alice", { limit: 7, cursor });
        expect(page.conversations.length).toBeLessThanOrEqual(7);
        seen.push(...page.conversations.map((c) => c.conversationId));
        cursor = page.nextCursor;
        pages++;
      } while (cursor !== null && pages < 10);
      expect(pages).toBe(4);
      // Newest finish first; among equal finishes, the larger id first.
      expect(seen.map((id) => Number(id.slice(5)))).toEqual([3, 2, 1, 0, 7, 6, 5, 4, 11, 10, 9, 8, 15, 14, 13, 12, 19, 18, 17, 16, 23, 22, 21, 20, 24]);
      expect((await subject.store.listConversations("alice")).conversations).toHaveLength(20);
      expect((await subject.store.listConversations("alice", { limit: 1_000 })).conversations).toHaveLength(25);
    });

    it("refuses a cursor it did not hand out", async () => {
      await expect(subject.store.listConversations("alice", { cursor: "not-a-cursor" })).rejects.toMatchObject({ code: "invalid-cursor" });
    });

    it("refuses another user's interaction in a conversation, and keeps the conversation as it was", async () => {
      const mine = makeRecord({ conversationId: "private", userId: "alice" });
      await subject.store.saveInteraction(mine);
      await expect(subject.store.saveInteraction(makeRecord({ conversationId: "private", userId: "mallory" }))).rejects.toMatchObject({ code: "not-owner" });
      await expect(subject.store.saveInteraction(makeRecord({ conversationId: "private" }))).rejects.toMatchObject({ code: "not-owner" });
      expect(await subject.store.getConversation("private")).toEqual([mine]);
      expect((await subject.store.listConversations("mallory")).conversations).toEqual([]);
    });

    it("reads a conversation only for its owner: someone else's answers exactly as an unknown one", async () => {
      const first = makeRecord({ conversationId: "c", userId: "alice", startedAt: 1_000 });
      const second = makeRecord({ conversationId: "c", userId: "alice", startedAt: 2_000, status: "aborted", response: "cut" });
      await subject.store.saveInteraction(second);
      await subject.store.saveInteraction(first);
      expect(await subject.store.readConversation("c", "alice")).toEqual([
        { ...first, feedback: null },
        { ...second, feedback: null },
      ]);
      expect(await subject.store.readConversation("c", "bob")).toBeUndefined();
      expect(await subject.store.readConversation("c", undefined)).toBeUndefined();
      expect(await subject.store.readConversation("unknown", "alice")).toBeUndefined();
    });

    it("keeps feedback on its interaction: the latest replaces the earlier, given before or after the save", async () => {
      const answered = makeRecord({ conversationId: "f", userId: "alice", startedAt: 1_000 });
      const other = makeRecord({ conversationId: "f", userId: "alice", startedAt: 2_000 });
      // Feedback may reach one replica before the replica that streamed the answer saved it.
      await subject.store.saveFeedback(feedback({ messageId: answered.messageId, userId: "alice", feedback: "dislike", payload: {} }));
      await subject.store.saveInteraction(answered);
      await subject.store.saveInteraction(other);
      const latest = feedback({ messageId: answered.messageId, userId: "alice", createdAt: 1_750_000_200_000 });
      await subject.store.saveFeedback({ ...latest, extra: "not stored" } as FeedbackRecord);
      expect(await subject.store.readConversation("f", "alice")).toEqual([
        { ...answered, feedback: latest },
        { ...other, feedback: null },
      ]);
    });

    it("shows only the owner's feedback on an interaction", async () => {
      const record = makeRecord({ conversationId: "g", userId: "alice" });
      await subject.store.saveInteraction(record);
      await subject.store.saveFeedback(feedback({ messageId: record.messageId, userId: "mallory", feedback: "dislike" }));
      expect(await subject.store.readConversation("g", "alice")).toEqual([{ ...record, feedback: null }]);
      const anonymous = makeRecord({ conversationId: "h" });
      await subject.store.saveInteraction(anonymous);
      const given = feedback({ messageId: anonymous.messageId });
      await subject.store.saveFeedback(given);
      expect(await subject.store.readConversation("h", undefined)).toEqual([{ ...anonymous, feedback: given }]);
    });

    it("rejects feedback whose payload cannot be JSON", async () => {
      const cyclic: Record<string, unknown> = {};
      cyclic.self = cyclic;
      await expect(subject.store.saveFeedback(feedback({ messageId: "m", payload: cyclic }))).rejects.toMatchObject({ code: "serialize-failed" });
    });

    it("deletes a conversation of its owner with its interactions and feedback; another user's stays", async () => {
      const record = makeRecord({ conversationId: "d", userId: "alice" });
      await subject.store.saveInteraction(record);
      await subject.store.saveFeedback(feedback({ messageId: record.messageId, userId: "alice" }));
      const kept = makeRecord({ conversationId: "kept", userId: "alice" });
      await subject.store.saveInteraction(kept);
      expect(await subject.store.deleteConversation("d", "bob")).toBe(false);
      expect(await subject.store.readConversation("d", "alice")).toHaveLength(1);
      expect(await subject.store.deleteConversation("d", "alice")).toBe(true);
      expect(await subject.store.deleteConversation("d", "alice")).toBe(false);
      expect(await subject.store.readConversation("d", "alice")).toBeUndefined();
      expect(await subject.store.getConversation("d")).toEqual([]);
      expect((await subject.store.listConversations("alice")).conversations.map((c) => c.conversationId)).toEqual(["kept"]);
      // The id is free again, and the old feedback does not come back with it.
      const again = makeRecord({ conversationId: "d", userId: "bob", messageId: record.messageId });
      await subject.store.saveInteraction(again);
      expect(await subject.store.readConversation("d", "bob")).toEqual([{ ...again, feedback: null }]);
    });
  });
}

/** What only a shared store does: what one replica writes, another reads at once. */
export function describeSharedConversationStoreContract(name: string, createStore: () => Promise<Required<HistoryStoreUnderTest>>): void {
  describe(`${name} (shared HistoryStore contract)`, () => {
    let subject: Required<HistoryStoreUnderTest>;
    beforeEach(async () => {
      subject = await createStore();
      await subject.store.open();
    });
    afterEach(async () => {
      await subject.dispose();
    });

    it("feedback given on one replica lands on the interaction another replica saved", async () => {
      const other = await subject.peer();
      await other.open();
      const record = makeRecord({ conversationId: "shared", userId: "alice" });
      await subject.store.saveInteraction(record);
      const given = feedback({ messageId: record.messageId, userId: "alice" });
      await other.saveFeedback(given);
      expect(await subject.store.readConversation("shared", "alice")).toEqual([{ ...record, feedback: given }]);
      expect(await other.listConversations("alice")).toEqual(await subject.store.listConversations("alice"));
    });

    it("two replicas starting the same new conversation at once: one owner wins, the other is refused", async () => {
      const other = await subject.peer();
      await other.open();
      const results = await Promise.allSettled([
        subject.store.saveInteraction(makeRecord({ conversationId: "race", userId: "alice" })),
        other.saveInteraction(makeRecord({ conversationId: "race", userId: "bob" })),
      ]);
      expect(results.filter((result) => result.status === "fulfilled")).toHaveLength(1);
      expect(results.find((result) => result.status === "rejected")).toMatchObject({ reason: { code: "not-owner" } });
      const owners = [(await subject.store.listConversations("alice")).conversations.length, (await subject.store.listConversations("bob")).conversations.length];
      expect(owners.sort()).toEqual([0, 1]);
    });
  });
}
