import { createHash, timingSafeEqual } from "node:crypto";

/**
 * Checks a presented key against a list in constant time: keys are compared as SHA-256 digests
 * (equal length whatever the key's), and every listed key is compared, so neither the time taken
 * nor an early exit tells an attacker how much of a key was right, or which key matched.
 */
export function apiKeyListCheck(keys: readonly string[]): (key: string) => boolean {
  const digests = keys.map(digest);
  return (key) => {
    const presented = digest(key);
    let match = false;
    for (const candidate of digests) match = timingSafeEqual(candidate, presented) || match;
    return match;
  };
}

function digest(key: string): Buffer {
  return createHash("sha256").update(key, "utf8").digest();
}

/** The token of an `Authorization: Bearer <token>` header; undefined when there is none. */
export function bearerToken(header: string | undefined): string | undefined {
  const match = /^\s*Bearer\s+(\S+)\s*$/i.exec(header ?? "");
  return match?.[1];
}
