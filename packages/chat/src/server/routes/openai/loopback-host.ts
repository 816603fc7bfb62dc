import { isIPv4, isIPv6 } from "node:net";
import { type OpenAICompatibleConfig } from "./openai-compatible-options";

const MARKER = Symbol.for("@ragbits/chat.OpenAICompatibleKeysRequiredError");

/**
 * `run()` (or the CLI) was asked to serve the OpenAI-compatible endpoint without API keys on an
 * address other machines can reach: anyone there could spend the server's model budget.
 */
export class OpenAICompatibleKeysRequiredError extends Error {
  private readonly [MARKER] = true;
  readonly host: string;

  constructor(host: string) {
    super(
      `the OpenAI-compatible endpoint has no API keys, so it may only listen on a loopback address (127.0.0.1, ::1, localhost), not on "${host}": ` +
        "configure keys (openaiCompatible.apiKeys; with the CLI, RAGBITS_OPENAI_API_KEYS or --openai-api-keys-file) or listen on 127.0.0.1",
    );
    this.name = "OpenAICompatibleKeysRequiredError";
    this.host = host;
  }

  /** True for this error from any copy of this package (instanceof is not, across copies). */
  static isInstance(value: unknown): value is OpenAICompatibleKeysRequiredError {
    return typeof value === "object" && value !== null && (value as Record<symbol, unknown>)[MARKER] === true;
  }
}

/** Whether a host name or address only ever reaches this machine: 127.0.0.0/8, ::1, localhost. */
export function isLoopbackHost(host: string): boolean {
  const name = host.trim().toLowerCase().replace(/^\[(.*)\]$/, "$1").replace(/\.$/, "");
  if (name === "localhost" || name.endsWith(".localhost")) return true;
  if (isIPv4(name)) return name.startsWith("127.");
  if (!isIPv6(name)) return false;
  if (/^(?:0{0,4}:){2,7}0{0,3}1$/.test(name) || name === "::1") return true;
  // An IPv4-mapped loopback address (::ffff:127.0.0.1).
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(name);
  return mapped !== null && mapped[1]!.startsWith("127.");
}

/** The host name of a `Host` header, without its port: `127.0.0.1:8000` → `127.0.0.1`, `[::1]:80` → `::1`. */
export function hostHeaderName(header: string): string {
  const value = header.trim();
  if (value.startsWith("[")) return value.slice(1, value.indexOf("]") === -1 ? undefined : value.indexOf("]"));
  const colon = value.lastIndexOf(":");
  return colon === -1 ? value : value.slice(0, colon);
}

/** Throws when the endpoint would be served without keys on a host other machines can reach. */
export function assertOpenAIExposure(config: OpenAICompatibleConfig | undefined, host: string): void {
  if (config && !config.checkKey && !isLoopbackHost(host)) throw new OpenAICompatibleKeysRequiredError(host);
}
