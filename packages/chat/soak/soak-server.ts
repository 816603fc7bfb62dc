/**
 * Child process (run with --expose-gc): the server under test, the tutorial's chat served by
 * RagbitsAPI, streaming from LiteLLM → the soak upstream. Reports its memory (after a full GC when
 * asked) and every error-level log line.
 */
import { monitorEventLoopDelay } from "node:perf_hooks";
import pino from "pino";
import { type ChatFormat, LiteLLM } from "@ragbits/core";
import { type ChatContext, ChatInterface, type ChatResponse, RagbitsAPI } from "@ragbits/chat";
import { type FromChild, type ToChild } from "./soak-messages";

const errorLines: string[] = [];
const logger = pino({ level: "warn" }, { write: (line: string) => void (JSON.parse(line).level >= 50 && errorLines.push(line.slice(0, 2_000))) });

export class SimpleStreamingChat extends ChatInterface {
  llm = new LiteLLM({ modelName: "gpt-4o-mini", baseUrl: process.env.SOAK_UPSTREAM_URL });

  async *chat(message: string, history: ChatFormat, _context: ChatContext): AsyncGenerator<ChatResponse> {
    for await (const chunk of this.llm.generateStreaming([...history, { role: "user", content: message }])) {
      yield this.createTextResponse(chunk);
    }
  }
}

const api = new RagbitsAPI(SimpleStreamingChat, { logger });
const running = await api.run({ host: "127.0.0.1", port: 0 });

const gc = (globalThis as { gc?: () => void }).gc;
const loopDelay = monitorEventLoopDelay({ resolution: 5 });
loopDelay.enable();
const send = (message: FromChild) => process.send?.(message);

process.on("message", async (message: ToChild) => {
  if (message.type === "memory") {
    if (message.gc) {
      if (!gc) throw new Error("run with --expose-gc");
      // Full collections with pauses between them, until RSS stops moving: the first one after load
      // leaves freed pages mapped, so a single GC gives a high, noisy figure.
      let previous = Number.POSITIVE_INFINITY;
      for (let round = 0; round < 6; round++) {
        gc();
        await new Promise((resolve) => setTimeout(resolve, 200));
        gc();
        const rss = process.memoryUsage.rss();
        if (Math.abs(previous - rss) < 512 * 1024) break;
        previous = rss;
      }
    }
    const { rss, heapUsed, external, arrayBuffers } = process.memoryUsage();
    send({ type: "memory", rss, heapUsed, external, arrayBuffers });
  } else if (message.type === "loop-delay") {
    const toMs = (ns: number) => ns / 1e6;
    send({ type: "loop-delay", p50: toMs(loopDelay.percentile(50)), p99: toMs(loopDelay.percentile(99)), max: toMs(loopDelay.max) });
    if (message.reset) loopDelay.reset();
  } else if (message.type === "stop") {
    const activeTurns = (api as unknown as { context: { activeTurns: Set<unknown> } }).context.activeTurns.size;
    send({ type: "stats", errorLines, activeTurns });
    await running.close();
    process.exit(0);
  }
});
process.on("disconnect", () => process.exit(0));
send({ type: "ready", url: running.url });
