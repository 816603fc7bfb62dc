/**
 * The behaviour every AuthStateStore must have (memory, SQLite, PostgreSQL): run by
 * test/stores/auth-state-stores.test.ts against each implementation.
 */
import { AUTH_STATE_RETENTION_MS, type AuthStateStore } from "../../../src";

export interface AuthStateStoreUnderTest {
  store: AuthStateStore;
  /** Another store on the same database, as another replica (or process) would open it. */
  peer?: () => Promise<AuthStateStore>;
  dispose: () => Promise<void>;
}

const MINUTE = 60_000;

export function describeAuthStateStoreContract(name: string, create: () => Promise<AuthStateStoreUnderTest>): void {
  describe(`${name} (AuthStateStore contract)`, () => {
    let subject: AuthStateStoreUnderTest;
    beforeEach(async () => {
      subject = await create();
    });
    afterEach(async () => {
      await subject.dispose();
    });

    it("hands a record out exactly once, byte for byte, and knows it was used afterwards", async () => {
      const record = "sealed:Żółć-🦄-" + "x".repeat(2_000);
      const now = Date.now();
      await subject.store.put("key-1", record, now + 10 * MINUTE);
      expect(await subject.store.take("key-1", now)).toEqual({ status: "taken", record });
      expect(await subject.store.take("key-1", now)).toEqual({ status: "used" });
      expect(await subject.store.take("key-1", now + MINUTE)).toEqual({ status: "used" });
    });

    it("keeps keys apart and says 'unknown' for a key never stored", async () => {
      const now = Date.now();
      await subject.store.put("key-a", "record-a", now + MINUTE);
      await subject.store.put("key-b", "record-b", now + MINUTE);
      expect(await subject.store.take("key-c", now)).toEqual({ status: "unknown" });
      expect(await subject.store.take("key-b", now)).toEqual({ status: "taken", record: "record-b" });
      expect(await subject.store.take("key-a", now)).toEqual({ status: "taken", record: "record-a" });
    });

    it("refuses a record after its expiry as 'expired', then forgets it after the retention", async () => {
      const now = Date.now();
      await subject.store.put("late", "record", now + MINUTE);
      expect(await subject.store.take("late", now + MINUTE)).toEqual({ status: "expired" });
      expect(await subject.store.take("late", now + MINUTE + AUTH_STATE_RETENTION_MS)).toEqual({ status: "unknown" });
      // Expired is final: the record is never handed out, also when asked with an earlier clock.
      await subject.store.put("late-2", "record", now + MINUTE);
      expect(await subject.store.take("late-2", now + 2 * MINUTE)).toEqual({ status: "expired" });
    });

    it("gives one of 20 simultaneous takes the record and 'used' to the other 19", async () => {
      const now = Date.now();
      await subject.store.put("race", "the-record", now + MINUTE);
      const results = await Promise.all(Array.from({ length: 20 }, () => subject.store.take("race", now)));
      expect(results.filter((result) => result.status === "taken")).toEqual([{ status: "taken", record: "the-record" }]);
      expect(results.filter((result) => result.status === "used")).toHaveLength(19);
    });

    it("rejects use after close with a StoreError, and closing twice is harmless", async () => {
      await subject.store.close();
      await subject.store.close();
      await expect(subject.store.take("any", Date.now())).rejects.toMatchObject({ name: "StoreError", code: "closed" });
      await expect(subject.store.put("any", "record", Date.now() + MINUTE)).rejects.toMatchObject({ code: "closed" });
    });
  });
}

/** For stores shared by several processes: what one started, another finishes, once. */
export function describeSharedAuthStateStoreContract(name: string, create: () => Promise<AuthStateStoreUnderTest & { peer: () => Promise<AuthStateStore> }>): void {
  describe(`${name} (AuthStateStore shared by replicas)`, () => {
    let subject: AuthStateStoreUnderTest & { peer: () => Promise<AuthStateStore> };
    beforeEach(async () => {
      subject = await create();
    });
    afterEach(async () => {
      await subject.dispose();
    });

    it("lets another replica take what this one stored, and then neither can take it again", async () => {
      const other = await subject.peer();
      const now = Date.now();
      await subject.store.put("shared", "record", now + MINUTE);
      expect(await other.take("shared", now)).toEqual({ status: "taken", record: "record" });
      expect(await subject.store.take("shared", now)).toEqual({ status: "used" });
      expect(await other.take("shared", now)).toEqual({ status: "used" });
    });

    it("hands a record to exactly one of 3 replicas taking it at the same moment", async () => {
      const replicas = [subject.store, await subject.peer(), await subject.peer()];
      const now = Date.now();
      await subject.store.put("contested", "record", now + MINUTE);
      const results = await Promise.all(replicas.flatMap((replica) => [replica.take("contested", now), replica.take("contested", now)]));
      expect(results.filter((result) => result.status === "taken")).toHaveLength(1);
      expect(results.filter((result) => result.status === "used")).toHaveLength(5);
    });
  });
}
