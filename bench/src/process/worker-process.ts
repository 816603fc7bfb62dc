import { type ChildProcess, fork } from "node:child_process";
import { once } from "node:events";
import { trackChild } from "./child-registry";
import { type IpcMessage, type ProcessMetrics } from "./ipc-messages";

export interface WorkerStartOptions {
  args?: string[];
  env?: Record<string, string | undefined>;
  /** Node flags for the child (--expose-gc, --cpu-prof…). */
  execArgv?: string[];
  cwd?: string;
  /** How long the child may take to announce itself. */
  readyTimeoutMs?: number;
}

/**
 * A forked bench process (upstream, server under test, load generator, client worker), reached
 * over IPC: `request()` runs one of its handlers, `onNotice()` hears its progress, `stop()` ends it.
 */
export class WorkerProcess {
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (value: any) => void; reject: (error: Error) => void }>();
  private readonly noticeHandlers = new Map<string, Array<(payload: any) => void>>();
  private exitError: Error | undefined;

  private constructor(
    readonly child: ChildProcess,
    readonly name: string,
  ) {
    child.on("message", (message: IpcMessage) => this.dispatch(message));
    child.once("exit", (code, signal) => {
      this.exitError = new Error(`${name} exited (code ${code}, signal ${signal})`);
      for (const { reject } of this.pending.values()) reject(this.exitError);
      this.pending.clear();
    });
  }

  /** Forks `entry` and waits for its "ready" notice. */
  static async start<Ready = Record<string, unknown>>(entry: URL, name: string, options: WorkerStartOptions = {}): Promise<{ worker: WorkerProcess; ready: Ready }> {
    const child = trackChild(
      fork(entry, options.args ?? [], {
        execArgv: options.execArgv ?? [],
        cwd: options.cwd,
        env: { ...process.env, ...options.env },
        stdio: ["ignore", "inherit", "inherit", "ipc"],
        serialization: "advanced",
      }),
    );
    const worker = new WorkerProcess(child, name);
    const ready = await worker.waitForNotice<Ready>("ready", options.readyTimeoutMs ?? 30_000);
    return { worker, ready };
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  request<T>(type: string, payload: unknown = null): Promise<T> {
    if (this.exitError) return Promise.reject(this.exitError);
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.child.send({ kind: "request", id, type, payload } satisfies IpcMessage);
    });
  }

  metrics(): Promise<ProcessMetrics> {
    return this.request<ProcessMetrics>("metrics");
  }

  /** Forces full garbage collections in the child (it must run with --expose-gc) and returns its metrics. */
  collectGarbage(): Promise<ProcessMetrics> {
    return this.request<ProcessMetrics>("gc");
  }

  onNotice(type: string, handler: (payload: any) => void): void {
    const list = this.noticeHandlers.get(type) ?? [];
    list.push(handler);
    this.noticeHandlers.set(type, list);
  }

  waitForNotice<T>(type: string, timeoutMs: number): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${this.name}: no "${type}" within ${timeoutMs} ms`)), timeoutMs);
      const onExit = () => {
        clearTimeout(timer);
        reject(this.exitError ?? new Error(`${this.name} exited before "${type}"`));
      };
      this.child.once("exit", onExit);
      this.onNotice(type, (payload: T) => {
        clearTimeout(timer);
        this.child.off("exit", onExit);
        resolve(payload);
      });
    });
  }

  /**
   * Ends the child: closing the IPC channel makes it exit normally (process.exit in serve-parent,
   * which also lets --cpu-prof write its profile); one that has not exited within `graceMs` is killed.
   */
  async stop(graceMs = 10_000): Promise<void> {
    const { child } = this;
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = once(child, "exit");
    if (child.connected) child.disconnect();
    else child.kill("SIGTERM");
    const timer = setTimeout(() => child.kill("SIGKILL"), graceMs);
    await exited;
    clearTimeout(timer);
  }

  private dispatch(message: IpcMessage): void {
    if (message.kind === "reply") {
      const waiter = this.pending.get(message.id);
      if (!waiter) return;
      this.pending.delete(message.id);
      if (message.ok) waiter.resolve(message.result);
      else waiter.reject(new Error(`${this.name}: ${message.error}`));
    } else if (message.kind === "notice") {
      for (const handler of this.noticeHandlers.get(message.type) ?? []) handler(message.payload);
    }
  }
}

/** The URL of a sibling entry point in dist/ (each child process is its own bundle). */
export function entryUrl(name: string): URL {
  return new URL(`./${name}.js`, import.meta.url);
}
