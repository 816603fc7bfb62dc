/** The small request/response protocol between the bench and the processes it forks (over Node's IPC channel). */

/** Parent → child: run handler `type` with `payload`; the child answers with the same `id`. */
export interface IpcRequest {
  kind: "request";
  id: number;
  type: string;
  payload: unknown;
}

/** Child → parent: the answer to a request. */
export interface IpcReply {
  kind: "reply";
  id: number;
  ok: boolean;
  result?: unknown;
  error?: string;
}

/** Child → parent, unsolicited: "ready" once listening (with its URL), or progress notices. */
export interface IpcNotice {
  kind: "notice";
  type: string;
  payload: unknown;
}

export type IpcMessage = IpcRequest | IpcReply | IpcNotice;

/** What a forked process reports about itself: CPU since it started, memory now and at its peak. */
export interface ProcessMetrics {
  cpuUserUs: number;
  cpuSystemUs: number;
  rssBytes: number;
  heapUsedBytes: number;
  externalBytes: number;
  /** Peak resident set size of the process so far (getrusage ru_maxrss). */
  maxRssBytes: number;
  /** Monotonic clock of the child, to turn CPU deltas into a share of wall time. */
  atMs: number;
}
