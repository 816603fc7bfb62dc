import { createHash, randomBytes, timingSafeEqual } from "node:crypto";

/** A new resume token: 256 random bits, URL-safe. Only its hash is kept. */
export function newResumeToken(): { token: string; hash: Buffer } {
  const token = randomBytes(32).toString("base64url");
  return { token, hash: hashResumeToken(token) };
}

export function hashResumeToken(token: string): Buffer {
  return createHash("sha256").update(token, "utf8").digest();
}

/** Whether `token` is the one whose hash is `hash`, in time that does not depend on where they differ. */
export function resumeTokenMatches(token: string | undefined, hash: Buffer): boolean {
  if (!token) return false;
  return timingSafeEqual(hashResumeToken(token), hash);
}
