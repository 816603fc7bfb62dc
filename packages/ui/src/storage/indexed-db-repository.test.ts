import "fake-indexeddb/auto";
import { type Conversation } from "../chat/chat-types";
import { IndexedDbRepository } from "./indexed-db-repository";

const conversation = (id: string, updatedAt: number, title = id): Conversation => ({
  id,
  title,
  titleSource: "server",
  serverConversationId: `srv-${id}`,
  state: { step: 1 },
  signature: "sig",
  messages: [
    { id: "u", role: "user", content: "Hi", createdAt: 1 },
    { id: "a", role: "assistant", content: "Hello", createdAt: 1, status: "done" },
  ],
  createdAt: 1,
  updatedAt,
});

describe("IndexedDbRepository", () => {
  const repository = () => new IndexedDbRepository(`db-${Math.random()}`);

  it("round-trips a conversation with its server id and signed state", async () => {
    const repo = repository();
    await repo.save(conversation("c1", 5));
    const loaded = await repo.get("c1");
    expect(loaded).toMatchObject({ serverConversationId: "srv-c1", state: { step: 1 }, signature: "sig" });
    expect(loaded!.messages.map((m) => [m.role, m.content, m.status])).toEqual([
      ["user", "Hi", undefined],
      ["assistant", "Hello", "done"],
    ]);
    expect(await repo.get("missing")).toBeNull();
  });

  it("lists summaries, most recently updated first, and follows updates and deletes", async () => {
    const repo = repository();
    await repo.save(conversation("old", 1));
    await repo.save(conversation("new", 9));
    await repo.save(conversation("mid", 5, "Middle"));
    expect(await repo.list()).toEqual([
      { id: "new", title: "new", updatedAt: 9 },
      { id: "mid", title: "Middle", updatedAt: 5 },
      { id: "old", title: "old", updatedAt: 1 },
    ]);
    await repo.save(conversation("old", 20, "Revived"));
    await repo.delete("new");
    expect(await repo.list()).toEqual([
      { id: "old", title: "Revived", updatedAt: 20 },
      { id: "mid", title: "Middle", updatedAt: 5 },
    ]);
    expect(await repo.get("new")).toBeNull();
  });

  it("keeps separate databases apart (one per user)", async () => {
    const alice = new IndexedDbRepository("ragbits-ui:alice");
    const bob = new IndexedDbRepository("ragbits-ui:bob");
    await alice.save(conversation("a", 1));
    expect(await bob.list()).toEqual([]);
  });
});
