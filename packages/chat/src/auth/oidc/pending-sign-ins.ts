import { createCipheriv, createDecipheriv, createHash, hkdfSync, randomBytes } from "node:crypto";
import { type AuthStateStore } from "./auth-state-store";

/** A started sign-in, waiting for the provider's callback. */
export interface PendingSignIn {
  provider: string;
  redirectUri: string;
  /** Where the browser goes once signed in (a path on this server). */
  returnTo: string;
  codeVerifier: string;
  nonce: string;
  /** SHA-256 of the browser-binding cookie's value: the callback must come from the browser that started. */
  browserHash: string;
}

export type PendingLookup = { status: "found"; pending: PendingSignIn } | { status: "used" | "expired" | "unknown" };

/** How long a started sign-in waits for its callback (the user signs in at the provider meanwhile). */
export const SIGN_IN_TTL_MS = 10 * 60 * 1000;

/**
 * The started sign-ins, in an AuthStateStore shared by every replica. The store never sees the
 * `state`: records are keyed by its SHA-256 and sealed (AES-256-GCM) with a key derived from it, so
 * whoever reads the table (a backup, a leaked dump) finds no PKCE verifier or nonce to finish
 * someone's sign-in with, and cannot plant a record that opens.
 */
export class PendingSignIns {
  constructor(
    private readonly store: AuthStateStore,
    private readonly ttlMs = SIGN_IN_TTL_MS,
  ) {}

  save(state: string, pending: PendingSignIn): Promise<void> {
    return this.store.put(stateKey(state), seal(state, pending), Date.now() + this.ttlMs);
  }

  /** The pending sign-in of `state`, once. */
  async take(state: string): Promise<PendingLookup> {
    const found = await this.store.take(stateKey(state));
    if (found.status !== "taken") return found;
    const pending = unseal(state, found.record);
    return pending ? { status: "found", pending } : { status: "unknown" };
  }
}

function stateKey(state: string): string {
  return createHash("sha256").update(state).digest("base64url");
}

function sealingKey(state: string): Buffer {
  return Buffer.from(hkdfSync("sha256", state, "", "ragbits pending sign-in", 32));
}

function seal(state: string, pending: PendingSignIn): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", sealingKey(state), iv);
  const sealed = Buffer.concat([cipher.update(JSON.stringify(pending), "utf8"), cipher.final()]);
  return Buffer.concat([iv, cipher.getAuthTag(), sealed]).toString("base64url");
}

function unseal(state: string, record: string): PendingSignIn | undefined {
  try {
    const bytes = Buffer.from(record, "base64url");
    const decipher = createDecipheriv("aes-256-gcm", sealingKey(state), bytes.subarray(0, 12));
    decipher.setAuthTag(bytes.subarray(12, 28));
    const plain = Buffer.concat([decipher.update(bytes.subarray(28)), decipher.final()]).toString("utf8");
    return JSON.parse(plain) as PendingSignIn;
  } catch {
    // Tampered with, or not ours: as good as never stored.
    return undefined;
  }
}
