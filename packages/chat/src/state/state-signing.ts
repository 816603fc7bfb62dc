import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";

/**
 * Signs conversation state so a client can carry it between turns without being able to forge it:
 * base64(HMAC-SHA256(key, canonical JSON with sorted keys)), as Ragbits does.
 */
export class StateSigner {
  private readonly key: Buffer;

  constructor(secretKey: string | Buffer) {
    this.key = typeof secretKey === "string" ? Buffer.from(secretKey, "utf8") : secretKey;
  }

  sign(state: unknown): string {
    return createHmac("sha256", this.key).update(canonicalJson(state)).digest("base64");
  }

  verify(state: unknown, signature: unknown): boolean {
    if (typeof signature !== "string") return false;
    const expected = Buffer.from(this.sign(state), "utf8");
    const given = Buffer.from(signature, "utf8");
    return expected.length === given.length && timingSafeEqual(expected, given);
  }
}

/**
 * The state serialised exactly as Python's `json.dumps(state, sort_keys=True)` does (what Ragbits
 * signs): keys sorted, ", " and ": " separators, non-ASCII escaped. A state signed by a Python
 * Ragbits server with the same key therefore verifies here, and the other way round.
 */
export function canonicalJson(value: unknown): string {
  if (value === null || value === undefined) return "null";
  if (typeof value === "string") return asciiString(value);
  if (typeof value === "number") return Number.isFinite(value) ? String(value) : "null";
  if (typeof value === "boolean") return value ? "true" : "false";
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(", ")}]`;
  if (typeof value === "object") {
    const keys = Object.keys(value).sort();
    return `{${keys.map((key) => `${asciiString(key)}: ${canonicalJson((value as Record<string, unknown>)[key])}`).join(", ")}}`;
  }
  return "null";
}

function asciiString(text: string): string {
  return JSON.stringify(text).replace(/[\u0080-\uffff]/g, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, "0")}`);
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
