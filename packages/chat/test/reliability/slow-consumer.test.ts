/**
 * A slow reader at the end of the whole chain: upstream (OpenAI wire format, as fast as it can)
 * → LiteLLM → chat() → SSE → a client that reads a few milliseconds every 100 ms.
 *
 * test/api/chat-stream.test.ts shows that a *stopped* reader pauses the app's generator. This adds
 * what that one does not: the backpressure reaches the model's upstream (the server stops reading
 * the upstream, so the upstream stops writing), the chat server's socket buffer stays bounded at
 * every moment, the server's memory stays flat while a 16 MB answer is produced, and the answer the
 * slow reader finally gets is complete and intact.
 */
import { SENTINEL_KEYS } from "./support/sentinel-keys";
import { type IncomingMessage, type ServerResponse } from "node:http";
import { Socket } from "node:net";
import { setTimeout as sleep } from "node:timers/promises";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { type ChatFormat, LiteLLM } from "@ragbits/core";
import { OpenAIMockServer } from "@ragbits/core/testing";
import { type ChatContext, ChatInterface, type ChatResponse } from "../../src";
import { waitFor } from "../helpers/start-api";
import { type ChatServer, startChatServer } from "./support/chat-server";
import { httpServerOf } from "./support/upstream-providers";

const CHUNK = "0123456789abcdef".repeat(1024); // 16 KB
const CHUNKS = 4_000; // 64 MB of answer: more than every socket buffer on the way can hold
const SLOW_PHASE_MS = 2_000;
/** The slow reader takes this much every 50 ms: ~1.3 MB/s. */
const READ_BYTES = 64 * 1024;

/** A full garbage collection, to measure what is retained rather than what is merely not collected yet. */
function collectGarbage(): void {
  setFlagsFromString("--expose_gc");
  (runInNewContext("gc") as () => void)();
}

function retainedBytes(): number {
  collectGarbage();
  collectGarbage();
  const usage = process.memoryUsage();
  return usage.heapUsed + usage.external + usage.arrayBuffers;
}

describe("a slow client at the end of an LLM stream", () => {
  let upstream: OpenAIMockServer;
  let chat: ChatServer;
  let upstreamBytes = 0;
  let upstreamFinished = false;

  beforeAll(async () => {
    upstream = await OpenAIMockServer.start({ apiKey: SENTINEL_KEYS.OPENAI_API_KEY });
    httpServerOf(upstream).on("request", (_req: IncomingMessage, res: ServerResponse) => {
      const write = res.write.bind(res) as (...args: unknown[]) => boolean;
      res.write = ((chunk: string | Buffer, ...rest: unknown[]) => {
        upstreamBytes += Buffer.byteLength(chunk);
        return write(chunk, ...rest);
      }) as typeof res.write;
      res.once("finish", () => (upstreamFinished = true));
    });
    const llm = new LiteLLM({ modelName: "gpt-4o-mini", baseUrl: upstream.url });
    class Tutorial extends ChatInterface {
      async *chat(message: string, history: ChatFormat, _context: ChatContext): AsyncGenerator<ChatResponse> {
        for await (const chunk of llm.generateStreaming([...history, { role: "user", content: message }])) yield this.createTextResponse(chunk);
      }
    }
    chat = await startChatServer(Tutorial);
  });

  afterAll(async () => {
    await chat.close();
    await upstream.close();
  });

  it("stops reading the upstream, keeps its buffers and memory bounded, and delivers an intact answer", async () => {
    upstream.enqueue({ text: Array.from({ length: CHUNKS }, () => CHUNK) });
    const serverSockets: Socket[] = [];
    const onConnection = (socket: Socket) => serverSockets.push(socket);
    chat.running.server.on("connection", onConnection);

    const client = new Socket();
    await new Promise<void>((resolve) => client.connect(chat.port, "127.0.0.1", resolve));
    client.pause();
    const body = JSON.stringify({ message: "a very long answer, please", context: { conversation_id: "c", message_id: "m" } });
    client.write(`POST /api/chat HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
    await waitFor(() => upstreamBytes > 0, 5_000, "the upstream to start");
    const memoryAtStart = retainedBytes();

    // The slow phase: take READ_BYTES every 50 ms, and watch the server meanwhile.
    let received = 0;
    let tail = "";
    let textSeen = 0;
    let intact = true;
    let maxServerBuffer = 0;
    const decoder = new TextDecoder();
    const consume = (data: Buffer) => {
      received += data.length;
      const lines = (tail + decoder.decode(data, { stream: true })).split("\n");
      tail = lines.pop()!;
      for (const line of lines) {
        if (!line.startsWith("data: ")) continue;
        const event = JSON.parse(line.slice(6));
        if (event.type !== "text") continue;
        intact &&= event.content.text === CHUNK;
        textSeen += event.content.text.length;
      }
    };
    const slowUntil = Date.now() + SLOW_PHASE_MS;
    while (Date.now() < slowUntil) {
      let budget = READ_BYTES;
      for (let data = client.read() as Buffer | null; data; data = budget > 0 ? (client.read() as Buffer | null) : null) {
        budget -= data.length;
        consume(data);
      }
      await sleep(50);
      for (const socket of serverSockets) maxServerBuffer = Math.max(maxServerBuffer, socket.writableLength);
    }
    const upstreamDuringSlowPhase = upstreamBytes;
    const memoryGrowth = retainedBytes() - memoryAtStart;

    // The client leaves: the rest of the answer is never produced, the upstream request is closed.
    client.destroy();
    await upstream.waitForClientAbort(5_000);
    chat.running.server.off("connection", onConnection);

    const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;
    process.stdout.write(
      `\nslow consumer (~${mb((READ_BYTES * 1000) / 50)}/s for ${SLOW_PHASE_MS} ms): the client read ${mb(received)}; the upstream sent ${mb(upstreamDuringSlowPhase)} of ${mb(CHUNKS * CHUNK.length)}; ` +
        `largest server socket buffer ${(maxServerBuffer / 1024).toFixed(0)} KB; retained memory growth ${mb(memoryGrowth)}\n`,
    );
    // The server read the upstream only as fast as the client read it: what the upstream sent beyond
    // that is what the socket buffers on the two hops hold.
    expect(upstreamFinished).toBe(false);
    expect(upstreamDuringSlowPhase).toBeLessThan(CHUNKS * CHUNK.length * 0.5);
    // The server's own buffer for the client never holds more than a couple of events.
    expect(maxServerBuffer).toBeLessThan(256 * 1024);
    // Retained memory stayed flat while tens of MB went through.
    expect(memoryGrowth).toBeLessThan(16 * 1024 * 1024);
    // What the slow reader got is intact.
    expect(intact).toBe(true);
    expect(textSeen).toBeGreaterThan(0);
  });
});
