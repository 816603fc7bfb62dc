import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import type { OpenAICompatibleOptions } from "../index";
import { CliError } from "./cli-error";
import { type RagbitsChat } from "./load-library";

/** Comma-separated API keys for `--openai-compatible` (kept out of the command line, where `ps` shows them). */
export const OPENAI_API_KEYS_ENV = "RAGBITS_OPENAI_API_KEYS";

export interface OpenAICompatibleFlags {
  openaiCompatible?: boolean;
  openaiModel?: string;
  openaiApiKeysFile?: string;
}

/**
 * The endpoint's options from `--openai-compatible`, `--openai-model`, `--openai-api-keys-file` and
 * RAGBITS_OPENAI_API_KEYS (keys from both are accepted). Error messages never contain a key.
 */
export function openAICompatibleFromFlags(flags: OpenAICompatibleFlags, env: NodeJS.ProcessEnv = process.env): OpenAICompatibleOptions | undefined {
  if (!flags.openaiCompatible) {
    if (flags.openaiModel !== undefined) throw new CliError("--openai-model only applies with --openai-compatible");
    if (flags.openaiApiKeysFile !== undefined) throw new CliError("--openai-api-keys-file only applies with --openai-compatible");
    return undefined;
  }
  if (flags.openaiModel !== undefined && flags.openaiModel.trim() === "") throw new CliError("--openai-model: the model name is empty");
  const apiKeys = [...splitKeys(env[OPENAI_API_KEYS_ENV] ?? "", /,/), ...(flags.openaiApiKeysFile ? readKeysFile(flags.openaiApiKeysFile) : [])];
  return { apiKeys, ...(flags.openaiModel !== undefined ? { modelName: flags.openaiModel } : {}) };
}

/** Refuses to serve the endpoint without keys on a host other machines reach (before listening). */
export function checkOpenAIExposure(options: OpenAICompatibleOptions, host: string, { isLoopbackHost }: RagbitsChat): void {
  const keys = Array.isArray(options.apiKeys) ? options.apiKeys.length : 0;
  if (keys > 0 || isLoopbackHost(host)) return;
  throw new CliError(
    `--openai-compatible on --host ${host} needs API keys, or anyone who reaches this machine can use its model: set ${OPENAI_API_KEYS_ENV}=key1,key2 or --openai-api-keys-file <file> (one key per line), or listen on 127.0.0.1`,
  );
}

/** The banner's line about the endpoint: where, which model, how many keys (never the keys). */
export function openAICompatibleBanner(options: OpenAICompatibleOptions, url: string, { DEFAULT_OPENAI_MODEL_NAME }: RagbitsChat): string {
  const keys = Array.isArray(options.apiKeys) ? options.apiKeys.length : 0;
  const access = keys ? `${keys} API key${keys === 1 ? "" : "s"}` : "no API key: this machine only";
  return `  OpenAI-compatible API at ${url}/v1 (model "${options.modelName ?? DEFAULT_OPENAI_MODEL_NAME}", ${access})\n`;
}

function readKeysFile(file: string): string[] {
  const path = resolve(file);
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    throw new CliError(`--openai-api-keys-file: cannot read ${path} (${(error as NodeJS.ErrnoException).code ?? "error"})`, { cause: error });
  }
  const keys = splitKeys(text, /\r?\n/).filter((line) => !line.startsWith("#"));
  if (keys.length === 0) throw new CliError(`--openai-api-keys-file: ${path} has no keys (one key per line; lines starting with # are comments)`);
  return keys;
}

function splitKeys(text: string, separator: RegExp): string[] {
  return text
    .split(separator)
    .map((key) => key.trim())
    .filter((key) => key !== "");
}
