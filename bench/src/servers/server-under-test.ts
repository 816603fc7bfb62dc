import { type ProcessMetrics } from "../process/ipc-messages";
import { WorkerProcess, entryUrl } from "../process/worker-process";
import { type Upstream } from "../upstream/upstream";
import { type ServerTarget, UPSTREAM_ENV } from "./server-target";

/**
 * A server under test in its own process, or, for the floor, the upstream itself. `metrics()` is
 * read over IPC, out of band, so asking for it never competes with the load on the HTTP port.
 */
export class ServerUnderTest {
  private constructor(
    readonly target: ServerTarget,
    readonly origin: string,
    private readonly worker: WorkerProcess | undefined,
  ) {}

  static async start(target: ServerTarget, upstream: Upstream, options: { execArgv?: string[]; env?: Record<string, string> } = {}): Promise<ServerUnderTest> {
    if (!target.entry) return new ServerUnderTest(target, upstream.origin, undefined);
    const { worker, ready } = await WorkerProcess.start<{ url: string }>(entryUrl(target.entry), `${target.id} server`, {
      env: { [UPSTREAM_ENV]: upstream.baseUrl, NODE_ENV: "production", ...options.env },
      execArgv: options.execArgv ?? [],
    });
    return new ServerUnderTest(target, ready.url, worker);
  }

  /** Undefined for the floor, which has no server process of its own. */
  async metrics(): Promise<ProcessMetrics | undefined> {
    return this.worker?.metrics();
  }

  async collectGarbage(): Promise<ProcessMetrics | undefined> {
    return this.worker?.collectGarbage();
  }

  async stop(): Promise<void> {
    await this.worker?.stop();
  }
}
