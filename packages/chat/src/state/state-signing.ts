import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import { canonicalJson } from "./canonical-json";

export { canonicalJson } from "./canonical-json";

/**
 * Signs conversation state so a client can carry it between turns without being able to forge it:
 * base64(HMAC-SHA256(key, canonical JSON)), as Ragbits does. See `canonicalJson` for what exactly is
 * signed and when a signature matches one made by a Python Ragbits server with the same key.
 */
export class StateSigner {
  private readonly key: Buffer;

  constructor(secretKey: string | Buffer) {
    // Python Ragbits keys its HMAC with `secret_key.encode()`: the key's UTF-8 bytes.
    this.key = typeof secretKey === "string" ? Buffer.from(secretKey, "utf8") : secretKey;
  }

  /** Throws a TypeError for a state JSON cannot carry (NaN, Infinity, a BigInt, a cycle). */
  sign(state: unknown): string {
    return createHmac("sha256", this.key).update(canonicalJson(state), "utf8").digest("base64");
  }

  verify(state: unknown, signature: unknown): boolean {
    if (typeof signature !== "string") return false;
    let expected: Buffer;
    try {
      expected = Buffer.from(this.sign(state), "utf8");
    } catch {
      // A state that cannot be signed was never signed by us.
      return false;
    }
    const given = Buffer.from(signature, "utf8");
    return expected.length === given.length && timingSafeEqual(expected, given);
  }
}

let processSigner: StateSigner | undefined;

/**
 * The signer for this process: keyed by RAGBITS_SECRET_KEY, or by a random key (with a warning,
 * since signed state then does not survive a restart or work across instances).
 */
export function defaultStateSigner(warn: (message: string) => void = (message) => console.warn(message)): StateSigner {
  if (!processSigner) {
    const key = process.env.RAGBITS_SECRET_KEY;
    if (!key) warn("RAGBITS_SECRET_KEY is not set: conversation state is signed with a random per-process key");
    processSigner = new StateSigner(key || randomBytes(32));
  }
  return processSigner;
}

/** @internal for tests: forget the process signer so the next call reads the environment again. */
export function resetDefaultStateSigner(): void {
  processSigner = undefined;
}
