/**
 * The behaviour every SessionStore must have (memory, SQLite, PostgreSQL): run by
 * test/stores/store-contracts.test.ts against each implementation.
 */
import { type SessionStore, type User } from "../../../src";

export interface SessionStoreUnderTest {
  store: SessionStore;
  /** Another store on the same database, as another replica (or process) would open it. */
  peer?: () => Promise<SessionStore>;
  dispose: () => Promise<void>;
}

export const ALICE: User = {
  user_id: "alice-1",
  username: "alice",
  email: "alice@example.com",
  full_name: "Alicja Żółć 🦄",
  roles: ["admin", "reader"],
  metadata: { team: "núcleo", quota: 3, nested: { flags: [true, false], note: "漢字" } },
};

export const BOB: User = { user_id: "bob-2", username: "bob", email: null, full_name: null, roles: [], metadata: {} };

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export function describeSessionStoreContract(name: string, create: () => Promise<SessionStoreUnderTest>): void {
  describe(`${name} (SessionStore contract)`, () => {
    let subject: SessionStoreUnderTest;
    beforeEach(async () => {
      subject = await create();
    });
    afterEach(async () => {
      await subject.dispose();
    });

    it("returns the user of a session it created, exactly, under an unguessable id", async () => {
      const id = await subject.store.create(ALICE, 60_000);
      expect(id).toMatch(/^[A-Za-z0-9_-]{43}$/);
      expect(await subject.store.get(id)).toEqual(ALICE);
    });

    it("gives every session its own id, also 100 created at once", async () => {
      const ids = await Promise.all(Array.from({ length: 100 }, (_, i) => subject.store.create(i % 2 ? ALICE : BOB, 60_000)));
      expect(new Set(ids).size).toBe(100);
      const users = await Promise.all(ids.map((id) => subject.store.get(id)));
      expect(users.map((user) => user?.username)).toEqual(ids.map((_, i) => (i % 2 ? "alice" : "bob")));
    });

    it("knows nothing of ids it did not hand out", async () => {
      await subject.store.create(ALICE, 60_000);
      expect(await subject.store.get("not-a-session")).toBeUndefined();
      expect(await subject.store.get("")).toBeUndefined();
    });

    it("ends a deleted session and only that one; deleting an unknown id is harmless", async () => {
      const first = await subject.store.create(ALICE, 60_000);
      const second = await subject.store.create(ALICE, 60_000);
      await subject.store.delete(first);
      await subject.store.delete(first);
      await subject.store.delete("never-existed");
      expect(await subject.store.get(first)).toBeUndefined();
      expect(await subject.store.get(second)).toEqual(ALICE);
    });

    it("ends a session when its time is up", async () => {
      const short = await subject.store.create(ALICE, 150);
      const long = await subject.store.create(BOB, 60_000);
      expect(await subject.store.get(short)).toEqual(ALICE);
      await sleep(250);
      expect(await subject.store.get(short)).toBeUndefined();
      expect(await subject.store.get(long)).toEqual(BOB);
    });

    it("rejects use after close with a StoreError, and closing twice is harmless", async () => {
      const id = await subject.store.create(ALICE, 60_000);
      await subject.store.close();
      await subject.store.close();
      await expect(subject.store.get(id)).rejects.toMatchObject({ name: "StoreError", code: "closed" });
      await expect(subject.store.create(ALICE, 60_000)).rejects.toMatchObject({ code: "closed" });
    });
  });
}

/** What only a shared store (SQLite, PostgreSQL) does: another process sees the sessions at once. */
export function describeSharedSessionStoreContract(name: string, create: () => Promise<Required<SessionStoreUnderTest>>): void {
  describe(`${name} (shared SessionStore contract)`, () => {
    let subject: Required<SessionStoreUnderTest>;
    beforeEach(async () => {
      subject = await create();
    });
    afterEach(async () => {
      await subject.dispose();
    });

    it("a session started on one replica is valid on another, and a logout on either ends it on both", async () => {
      const other = await subject.peer();
      const id = await subject.store.create(ALICE, 60_000);
      expect(await other.get(id)).toEqual(ALICE);
      await other.delete(id);
      expect(await subject.store.get(id)).toBeUndefined();
      expect(await other.get(id)).toBeUndefined();
    });
  });
}
