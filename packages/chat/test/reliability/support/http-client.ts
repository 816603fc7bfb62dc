import { type Agent, type IncomingHttpHeaders, type IncomingMessage, request } from "node:http";
import { performance } from "node:perf_hooks";

export interface SseEvent {
  type: string;
  content: any;
}

export interface ChatStreamResult {
  status: number;
  headers: IncomingHttpHeaders;
  raw: string;
  events: SseEvent[];
  /** Every `text` event joined: the answer as a client shows it. */
  text: string;
  /** The `error` events' messages. */
  errors: string[];
  /** The response body ended normally (not torn by the server). */
  endedCleanly: boolean;
  /** When this client disconnected on purpose (performance.now()), if it did. */
  abortedAt?: number;
}

export interface ChatStreamOptions {
  /** Called for each event as it arrives; return true to disconnect at once (the socket is destroyed). */
  onEvent?: (event: SseEvent, index: number) => boolean | void;
  /** Disconnect as soon as the response headers arrive. */
  abortOnHeaders?: boolean;
  /** Disconnect this long after sending the request, wherever the answer is by then. */
  abortAfterMs?: number;
  /** Disconnect when this settles. */
  disconnectWhen?: Promise<unknown>;
  headers?: Record<string, string>;
  /** Default: none (a fresh connection, closed after the response). */
  agent?: Agent | false;
  localAddress?: string;
}

/**
 * POST /api/chat with node:http, reading the SSE answer incrementally (UTF-8 decoded across chunk
 * boundaries). Unlike fetch it can disconnect at an exact event or moment, and reports whether the
 * stream ended cleanly.
 */
export function chatStream(port: number, body: unknown, options: ChatStreamOptions = {}): Promise<ChatStreamResult> {
  const payload = Buffer.from(JSON.stringify(body));
  return new Promise((resolve, reject) => {
    const result: ChatStreamResult = { status: 0, headers: {}, raw: "", events: [], text: "", errors: [], endedCleanly: false };
    let settled = false;
    let timer: NodeJS.Timeout | undefined;
    const finish = () => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(result);
    };
    const disconnect = () => {
      if (settled) return;
      result.abortedAt = performance.now();
      req.destroy();
      finish();
    };
    const req = request(
      {
        host: "127.0.0.1",
        port,
        path: "/api/chat",
        method: "POST",
        agent: options.agent ?? false,
        localAddress: options.localAddress,
        headers: { "content-type": "application/json", "content-length": payload.length, ...options.headers },
      },
      (res: IncomingMessage) => {
        result.status = res.statusCode ?? 0;
        result.headers = res.headers;
        if (settled) return void res.destroy();
        if (options.abortOnHeaders) return disconnect();
        const decoder = new TextDecoder("utf-8", { fatal: true });
        let pending = "";
        res.on("data", (chunk: Buffer) => {
          if (settled) return;
          const text = decoder.decode(chunk, { stream: true });
          result.raw += text;
          pending += text;
          let boundary: number;
          while ((boundary = pending.indexOf("\n\n")) >= 0) {
            const frame = pending.slice(0, boundary);
            pending = pending.slice(boundary + 2);
            for (const line of frame.split("\n")) {
              if (!line.startsWith("data: ")) continue;
              const event = JSON.parse(line.slice(6)) as SseEvent;
              result.events.push(event);
              if (event.type === "text") result.text += event.content.text;
              if (event.type === "error") result.errors.push(event.content.message);
              if (options.onEvent?.(event, result.events.length - 1)) return disconnect();
            }
          }
        });
        res.on("end", () => {
          if (settled) return;
          result.raw += decoder.decode();
          result.endedCleanly = pending === "";
          finish();
        });
        res.on("error", (error) => (settled ? undefined : reject(error)));
        res.on("close", finish);
      },
    );
    // After our own disconnect, errors of the torn connection are expected, not failures.
    req.on("error", (error) => (settled ? undefined : reject(error)));
    if (options.abortAfterMs !== undefined) timer = setTimeout(disconnect, options.abortAfterMs);
    options.disconnectWhen?.then(disconnect, disconnect);
    req.end(payload);
  });
}

export interface RawResponse {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

export interface RawRequest {
  method: string;
  /** Sent exactly as given: no normalisation of "..", "%2e" or "//". */
  path: string;
  headers?: Record<string, string>;
  body?: Buffer;
}

/** One HTTP request with node:http, the path untouched. Rejects only on transport errors. */
export function rawRequest(port: number, spec: RawRequest, agent: Agent | false = false, localAddress?: string): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string | number> = { ...spec.headers };
    if (spec.body !== undefined) headers["content-length"] = spec.body.length;
    const req = request({ host: "127.0.0.1", port, method: spec.method, path: spec.path, headers, agent, localAddress }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (chunk: Buffer) => chunks.push(chunk));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on("error", reject);
    });
    req.on("error", reject);
    req.end(spec.body);
  });
}

/** Runs `task` over `items` with at most `concurrency` in flight; results in input order. */
export async function mapConcurrently<T, R>(items: readonly T[], concurrency: number, task: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await task(items[index]!, index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
  return results;
}

/** p-th percentile (0–100) of a list of numbers, nearest rank. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank]!;
}
