/**
 * The behaviour every LoginAttemptStore must have (memory, SQLite, PostgreSQL): run by
 * test/stores/store-contracts.test.ts against each implementation.
 */
import { type LoginAttemptStore, LoginRateLimiter } from "../../../src";

export interface LoginAttemptStoreUnderTest {
  store: LoginAttemptStore;
  /** Another store on the same database, as another replica would open it. */
  peer?: () => Promise<LoginAttemptStore>;
  dispose: () => Promise<void>;
}

const WINDOW = 60_000;
const NOW = 1_750_000_000_000;

export function describeLoginAttemptStoreContract(name: string, create: () => Promise<LoginAttemptStoreUnderTest>): void {
  describe(`${name} (LoginAttemptStore contract)`, () => {
    let subject: LoginAttemptStoreUnderTest;
    beforeEach(async () => {
      subject = await create();
    });
    afterEach(async () => {
      await subject.dispose();
    });

    it("has no failures for keys that never failed", async () => {
      expect(await subject.store.failures(["user:nobody", "ip:10.0.0.1"], NOW)).toEqual(new Map());
    });

    it("counts failures per key within one window that starts at the first failure", async () => {
      await subject.store.recordFailure(["user:ada", "ip:10.0.0.1"], WINDOW, NOW);
      await subject.store.recordFailure(["user:ada"], WINDOW, NOW + 1_000);
      await subject.store.recordFailure(["user:ada", "ip:10.0.0.2"], WINDOW, NOW + 2_000);
      expect(await subject.store.failures(["user:ada", "ip:10.0.0.1", "ip:10.0.0.2", "user:other"], NOW + 3_000)).toEqual(
        new Map([
          ["user:ada", { count: 3, resetAt: NOW + WINDOW }],
          ["ip:10.0.0.1", { count: 1, resetAt: NOW + WINDOW }],
          ["ip:10.0.0.2", { count: 1, resetAt: NOW + 2_000 + WINDOW }],
        ]),
      );
    });

    it("forgets a window once it has passed, and the next failure starts a new one", async () => {
      await subject.store.recordFailure(["user:ada"], WINDOW, NOW);
      await subject.store.recordFailure(["user:ada"], WINDOW, NOW);
      expect(await subject.store.failures(["user:ada"], NOW + WINDOW - 1)).toEqual(new Map([["user:ada", { count: 2, resetAt: NOW + WINDOW }]]));
      expect(await subject.store.failures(["user:ada"], NOW + WINDOW)).toEqual(new Map());
      await subject.store.recordFailure(["user:ada"], WINDOW, NOW + WINDOW + 5);
      expect(await subject.store.failures(["user:ada"], NOW + WINDOW + 10)).toEqual(new Map([["user:ada", { count: 1, resetAt: NOW + 2 * WINDOW + 5 }]]));
    });

    it("counts a key named twice in one call once", async () => {
      await subject.store.recordFailure(["user:ada", "user:ada"], WINDOW, NOW);
      expect((await subject.store.failures(["user:ada"], NOW)).get("user:ada")?.count).toBe(1);
    });

    it("counts every one of 50 concurrent failures (atomic increments)", async () => {
      await Promise.all(Array.from({ length: 50 }, () => subject.store.recordFailure(["user:ada", "ip:10.0.0.9"], WINDOW, NOW)));
      const failures = await subject.store.failures(["user:ada", "ip:10.0.0.9"], NOW);
      expect(failures.get("user:ada")?.count).toBe(50);
      expect(failures.get("ip:10.0.0.9")?.count).toBe(50);
    });

    it("forgets the keys it is told to reset, and only those", async () => {
      await subject.store.recordFailure(["user:ada", "ip:10.0.0.1"], WINDOW, NOW);
      await subject.store.reset(["user:ada"]);
      expect(await subject.store.failures(["user:ada", "ip:10.0.0.1"], NOW)).toEqual(new Map([["ip:10.0.0.1", { count: 1, resetAt: NOW + WINDOW }]]));
    });

    it("drives LoginRateLimiter: refused after maxFailures until the window passes", async () => {
      const limiter = new LoginRateLimiter({ maxFailures: 3, windowMs: WINDOW }, subject.store);
      const keys = ["user:ada", "ip:10.0.0.1"];
      for (let i = 0; i < 3; i++) {
        expect(await limiter.retryAfterMs(keys, NOW + i)).toBe(0);
        await limiter.recordFailure(keys, NOW + i);
      }
      expect(await limiter.retryAfterMs(keys, NOW + 10)).toBe(WINDOW - 10);
      expect(await limiter.retryAfterMs(keys, NOW + WINDOW)).toBe(0);
      await limiter.reset(keys);
      expect(await subject.store.failures(keys, NOW)).toEqual(new Map());
    });

    it("rejects use after close with a StoreError, and closing twice is harmless", async () => {
      await subject.store.close();
      await subject.store.close();
      await expect(subject.store.failures(["user:ada"], NOW)).rejects.toMatchObject({ name: "StoreError", code: "closed" });
      await expect(subject.store.recordFailure(["user:ada"], WINDOW, NOW)).rejects.toMatchObject({ code: "closed" });
    });
  });
}

/** What only a shared store does: failures counted by every replica add up to one count. */
export function describeSharedLoginAttemptStoreContract(name: string, create: () => Promise<Required<LoginAttemptStoreUnderTest>>): void {
  describe(`${name} (shared LoginAttemptStore contract)`, () => {
    let subject: Required<LoginAttemptStoreUnderTest>;
    beforeEach(async () => {
      subject = await create();
    });
    afterEach(async () => {
      await subject.dispose();
    });

    it("adds up failures recorded on two replicas at once, and a reset on one clears both", async () => {
      const other = await subject.peer();
      await Promise.all(Array.from({ length: 20 }, (_, i) => (i % 2 ? subject.store : other).recordFailure(["user:ada"], WINDOW, NOW)));
      expect((await other.failures(["user:ada"], NOW)).get("user:ada")?.count).toBe(20);
      await subject.store.reset(["user:ada"]);
      expect(await other.failures(["user:ada"], NOW)).toEqual(new Map());
    });
  });
}
