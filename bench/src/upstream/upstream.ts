import { WorkerProcess, entryUrl } from "../process/worker-process";
import { type StreamShape } from "./stream-shape";
import { type UpstreamStats } from "./upstream-process";

/** The bench's handle on the upstream process. */
export class Upstream {
  private constructor(
    private readonly worker: WorkerProcess,
    /** http://127.0.0.1:PORT */
    readonly origin: string,
  ) {}

  static async start(): Promise<Upstream> {
    const { worker, ready } = await WorkerProcess.start<{ origin: string }>(entryUrl("upstream-process"), "upstream");
    return new Upstream(worker, ready.origin);
  }

  /** The base URL SDKs take (`…/v1`). */
  get baseUrl(): string {
    return `${this.origin}/v1`;
  }

  configure(shape: Partial<StreamShape>): Promise<StreamShape> {
    return this.worker.request<StreamShape>("configure", shape);
  }

  stats(): Promise<UpstreamStats> {
    return this.worker.request<UpstreamStats>("stats");
  }

  stop(): Promise<void> {
    return this.worker.stop();
  }
}
