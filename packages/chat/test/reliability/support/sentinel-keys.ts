import { randomBytes } from "node:crypto";

/**
 * Sentinel API keys, set in the environment as soon as this module is imported (every reliability
 * test file imports it first), so every LLM call of these suites authenticates with a key that must
 * never show up anywhere else: not in a log line, an error, a response body or a persisted record.
 *
 * Each key carries a random token; `findSentinel` also catches a key that was only partly redacted.
 * The Azure key deliberately does not look like a provider key (`sk-…`): only the known-secret
 * redaction can catch it, not the shape-based one.
 */
const token = () => randomBytes(12).toString("hex").toUpperCase();

export const SENTINEL_KEYS = {
  OPENAI_API_KEY: `sk-SENTINEL-openai-${token()}`,
  ANTHROPIC_API_KEY: `sk-ant-api03-SENTINEL-${token()}`,
  AZURE_API_KEY: `SENTINEL0azure0${token()}`,
} as const;

export type SentinelName = keyof typeof SENTINEL_KEYS;

/** The random part of each key: enough to recognise a leak even when the key is cut or masked around it. */
const TOKENS = Object.values(SENTINEL_KEYS).map((key) => key.slice(-24));

export function installSentinelKeys(): void {
  for (const [name, value] of Object.entries(SENTINEL_KEYS)) process.env[name] = value;
  // Routing must come from the tests' own base URLs, never from a developer's shell.
  for (const name of ["OPENAI_BASE_URL", "ANTHROPIC_BASE_URL", "AZURE_API_BASE", "AZURE_OPENAI_ENDPOINT", "AZURE_OPENAI_API_KEY", "OLLAMA_HOST"]) delete process.env[name];
}

/** The sentinel (or the random part of one) found in `text`, if any. */
export function findSentinel(text: string): string | undefined {
  for (const key of Object.values(SENTINEL_KEYS)) if (text.includes(key)) return key;
  for (const part of TOKENS) if (text.includes(part)) return part;
  return undefined;
}

installSentinelKeys();
