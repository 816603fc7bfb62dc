import { type AuthStateLookup, type AuthStateStore } from "./auth-state-store";
import { MemoryAuthStateStore } from "./memory-auth-state-store";
import { type PendingSignIn, PendingSignIns } from "./pending-sign-ins";

const PENDING: PendingSignIn = {
  provider: "google",
  redirectUri: "https://chat.example.com/api/auth/callback/google",
  returnTo: "/c/1",
  codeVerifier: "verifier-" + "v".repeat(34),
  nonce: "nonce-" + "n".repeat(37),
  browserHash: "hash",
};

/** A store that shows what it was given, as a database table would. */
class RecordingStore implements AuthStateStore {
  readonly rows = new Map<string, string>();
  private readonly inner = new MemoryAuthStateStore();
  async put(key: string, record: string, expiresAt: number): Promise<void> {
    this.rows.set(key, record);
    await this.inner.put(key, record, expiresAt);
  }
  take(key: string, now?: number): Promise<AuthStateLookup> {
    return this.inner.take(key, now);
  }
  close(): Promise<void> {
    return this.inner.close();
  }
}

describe("PendingSignIns", () => {
  it("gives the pending sign-in back once for its state", async () => {
    const pending = new PendingSignIns(new MemoryAuthStateStore());
    await pending.save("state-1", PENDING);
    expect(await pending.take("state-1")).toEqual({ status: "found", pending: PENDING });
    expect(await pending.take("state-1")).toEqual({ status: "used" });
    expect(await pending.take("state-2")).toEqual({ status: "unknown" });
  });

  it("stores neither the state nor the verifier or nonce in a readable form", async () => {
    const store = new RecordingStore();
    await new PendingSignIns(store).save("the-state", PENDING);
    const [key, record] = [...store.rows][0]!;
    const stored = `${key}${record}`;
    for (const secret of ["the-state", PENDING.codeVerifier, PENDING.nonce, PENDING.redirectUri]) expect(stored).not.toContain(secret);
  });

  it("treats a record that does not open with its state as never stored (tampered, or planted by a database reader)", async () => {
    const store = new RecordingStore();
    const pending = new PendingSignIns(store);
    await pending.save("state-a", PENDING);
    const [key, record] = [...store.rows][0]!;
    // Another record put under state-a's key, sealed for another state.
    const other = new RecordingStore();
    await new PendingSignIns(other).save("state-b", { ...PENDING, returnTo: "https://evil.example" });
    const [, planted] = [...other.rows][0]!;
    const victimStore = new MemoryAuthStateStore();
    await victimStore.put(key, planted, Date.now() + 60_000);
    expect(await new PendingSignIns(victimStore).take("state-a")).toEqual({ status: "unknown" });
    // A flipped byte of the real record.
    const flipped = new MemoryAuthStateStore();
    const bytes = Buffer.from(record, "base64url");
    bytes[bytes.length - 1]! ^= 1;
    await flipped.put(key, bytes.toString("base64url"), Date.now() + 60_000);
    expect(await new PendingSignIns(flipped).take("state-a")).toEqual({ status: "unknown" });
  });

  it("lets a started sign-in expire", async () => {
    const pending = new PendingSignIns(new MemoryAuthStateStore(), 50);
    await pending.save("late", PENDING);
    await new Promise((resolve) => setTimeout(resolve, 80));
    expect(await pending.take("late")).toEqual({ status: "expired" });
  });
});
