import { type IpcMessage, type IpcRequest, type ProcessMetrics } from "./ipc-messages";

type Handler = (payload: any) => unknown;

/**
 * The child side of the IPC protocol: answers the parent's requests with `handlers` (plus the
 * built-in `metrics` and `gc`), announces itself with a "ready" notice, and exits when the parent
 * goes away, so a bench killed mid-run leaves no servers behind.
 */
export function serveParent(handlers: Record<string, Handler>, readyInfo: Record<string, unknown> = {}): void {
  if (!process.send) throw new Error("this entry point is a bench worker: start it with child_process.fork");
  const all: Record<string, Handler> = { metrics: processMetrics, gc: collectGarbage, ...handlers };
  process.on("message", (message: IpcMessage) => {
    if (message.kind !== "request") return;
    void answer(all, message);
  });
  process.on("disconnect", () => process.exit(0));
  notifyParent("ready", readyInfo);
}

export function notifyParent(type: string, payload: unknown = null): void {
  process.send?.({ kind: "notice", type, payload } satisfies IpcMessage);
}

async function answer(handlers: Record<string, Handler>, request: IpcRequest): Promise<void> {
  const handler = handlers[request.type];
  try {
    if (!handler) throw new Error(`no handler for "${request.type}"`);
    const result = await handler(request.payload);
    process.send?.({ kind: "reply", id: request.id, ok: true, result } satisfies IpcMessage);
  } catch (error) {
    process.send?.({ kind: "reply", id: request.id, ok: false, error: error instanceof Error ? (error.stack ?? error.message) : String(error) } satisfies IpcMessage);
  }
}

export function processMetrics(): ProcessMetrics {
  const cpu = process.cpuUsage();
  const memory = process.memoryUsage();
  return {
    cpuUserUs: cpu.user,
    cpuSystemUs: cpu.system,
    rssBytes: memory.rss,
    heapUsedBytes: memory.heapUsed,
    externalBytes: memory.external,
    maxRssBytes: process.resourceUsage().maxRSS * 1024,
    atMs: performance.now(),
  };
}

/** Full collections (twice: the first can leave finalizable garbage for the second), then metrics. */
function collectGarbage(): ProcessMetrics {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) throw new Error("gc is not exposed: start this process with --expose-gc");
  gc();
  gc();
  return processMetrics();
}
