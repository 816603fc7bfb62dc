/** Small HTTP helpers for talking to a spawned server: every request has a deadline. */

export interface WireEvent {
  type: string;
  content: any;
}

export function get(url: string, headers: Record<string, string> = {}, timeoutMs = 10_000): Promise<Response> {
  return fetch(url, { headers, signal: AbortSignal.timeout(timeoutMs) });
}

export function postJson(url: string, body: unknown, headers: Record<string, string> = {}, timeoutMs = 15_000): Promise<Response> {
  return fetch(url, { method: "POST", headers: { "content-type": "application/json", ...headers }, body: JSON.stringify(body), signal: AbortSignal.timeout(timeoutMs) });
}

/** Reads an SSE body to its end and returns the `data:` events, in order. */
export async function readEvents(response: Response): Promise<WireEvent[]> {
  const text = await response.text();
  return text
    .split("\n")
    .filter((line) => line.startsWith("data: "))
    .map((line) => JSON.parse(line.slice("data: ".length)) as WireEvent);
}

/** POST /api/chat and the whole stream; fails on a non-200 answer. */
export async function chat(baseUrl: string, body: unknown, headers: Record<string, string> = {}): Promise<WireEvent[]> {
  const response = await postJson(`${baseUrl}/api/chat`, body, headers);
  if (response.status !== 200) throw new Error(`POST /api/chat answered ${response.status}: ${await response.text()}`);
  expect(response.headers.get("content-type")).toMatch(/^text\/event-stream/);
  return readEvents(response);
}

export function textOf(events: WireEvent[]): string {
  return events
    .filter((event) => event.type === "text")
    .map((event) => event.content.text as string)
    .join("");
}

/** Calls `attempt` until it returns a value (not undefined) or `timeoutMs` passes; errors count as "not yet". */
export async function poll<T>(attempt: () => Promise<T | undefined>, what: string, timeoutMs = 30_000, intervalMs = 100): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await attempt();
      if (value !== undefined) return value;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs} ms${last ? ` (last error: ${String(last)})` : ""}`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
