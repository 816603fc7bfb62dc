import pino from "pino";
import { type ChatInterface, RagbitsAPI, type RagbitsAPIOptions, StateSigner } from "../../src";
import { serveApi } from "./serve-api";

export const TEST_SIGNER = new StateSigner("test-secret-key");

export interface StartedApi {
  url: string;
  api: RagbitsAPI;
  /** Every log line the server wrote, parsed. */
  logs: Array<Record<string, any>>;
  close(): Promise<void>;
}

/** A real RagbitsAPI on 127.0.0.1 and a free port (on the adapter under test), logging into memory. */
export async function startApi(chat: ChatInterface | (new () => ChatInterface), options: RagbitsAPIOptions = {}): Promise<StartedApi> {
  const logs: Array<Record<string, any>> = [];
  const logger = pino({ level: "debug" }, { write: (line: string) => void logs.push(JSON.parse(line)) });
  const api = new RagbitsAPI(chat, { logger, stateSigner: TEST_SIGNER, ...options });
  const served = await serveApi(api);
  return { url: served.url, api, logs, close: () => served.close() };
}

export interface SseResult {
  status: number;
  headers: Headers;
  /** The raw body. */
  raw: string;
  events: Array<{ type: string; content: any }>;
}

/** Posts to /api/chat and reads the whole SSE answer. */
export async function postChat(url: string, body: unknown, init: RequestInit = {}): Promise<SseResult> {
  const response = await fetch(`${url}/api/chat`, {
    method: "POST",
    headers: { "content-type": "application/json", ...(init.headers as Record<string, string>) },
    body: JSON.stringify(body),
    ...(init.signal ? { signal: init.signal } : {}),
  });
  const raw = await response.text();
  return { status: response.status, headers: response.headers, raw, events: parseSse(raw) };
}

/** The JSON of every `data:` line (comments and other fields ignored, as clients do). */
export function parseSse(raw: string): Array<{ type: string; content: any }> {
  return raw
    .split("\n")
    .filter((line) => line.startsWith("data: "))
    .map((line) => JSON.parse(line.slice("data: ".length)));
}

export async function postJson(url: string, path: string, body: unknown, headers: Record<string, string> = {}): Promise<{ status: number; body: any; headers: Headers }> {
  const response = await fetch(`${url}${path}`, { method: "POST", headers: { "content-type": "application/json", ...headers }, body: typeof body === "string" ? body : JSON.stringify(body) });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : undefined, headers: response.headers };
}

export function waitFor(condition: () => boolean, timeoutMs = 2_000, what = "condition"): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  return new Promise((resolve, reject) => {
    const check = () => {
      if (condition()) return resolve();
      if (Date.now() > deadline) return reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}`));
      setTimeout(check, 5);
    };
    check();
  });
}
