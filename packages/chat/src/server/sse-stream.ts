import { type ServerResponse } from "node:http";
import { type WireEvent } from "../protocol/chat-response";

export interface SseStreamOptions {
  /** Send `: keep-alive` after this long without any event, so proxies and clients don't give up. */
  keepAliveMs: number;
}

/**
 * One Server-Sent Events response: headers flushed at once, one `data:` line per event, writes that
 * wait for the client to drain (a slow reader never makes the server buffer without bound), and
 * keep-alive comments during silences.
 */
export class SseStream {
  private readonly keepAlive: NodeJS.Timeout;
  private closed = false;

  constructor(
    private readonly res: ServerResponse,
    options: SseStreamOptions,
  ) {
    res.writeHead(200, {
      "content-type": "text/event-stream; charset=utf-8",
      "cache-control": "no-cache, no-transform",
      "x-accel-buffering": "no",
      connection: "keep-alive",
    });
    res.flushHeaders();
    // Small SSE frames must not wait for Nagle's algorithm.
    res.socket?.setNoDelay(true);
    res.once("close", () => this.close());
    this.keepAlive = setInterval(() => this.ping(), Math.max(1, options.keepAliveMs));
    this.keepAlive.unref();
  }

  /** Whether the client is still there. */
  get isOpen(): boolean {
    return !this.closed && !this.res.destroyed;
  }

  /** Sends one event; resolves false when the client is gone (stop producing then). */
  async send(event: WireEvent): Promise<boolean> {
    if (!this.isOpen) return false;
    this.keepAlive.refresh();
    if (this.res.write(`data: ${JSON.stringify(event)}\n\n`)) return true;
    await this.drained();
    return this.isOpen;
  }

  end(): void {
    this.close();
    if (!this.res.writableEnded) this.res.end();
  }

  private ping(): void {
    if (this.isOpen && this.res.writableLength === 0) this.res.write(": keep-alive\n\n");
  }

  private close(): void {
    this.closed = true;
    clearInterval(this.keepAlive);
  }

  private drained(): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        this.res.off("drain", done);
        this.res.off("close", done);
        resolve();
      };
      this.res.on("drain", done);
      this.res.on("close", done);
    });
  }
}
