/**
 * What resumable streams cost the chat server (issue 12), measured on its own:
 * `node dist/resumable-streams.js` (after `pnpm --filter @ragbits/bench build`), about 2.5 minutes.
 *
 * 1. CPU per streamed event at C = 200: the same server, the same answers (64 text events of 4
 *    characters, 20 ms apart), clients that ask for resumable turns (`X-Ragbits-Resumable: 1`: a turn
 *    runner, an event log, a subscriber per connection) versus clients that do not (the plain path,
 *    which only numbers its events). Interleaved repetitions; server CPU is the server process's
 *    `process.cpuUsage()` at the window's edges, divided by the text events the clients received.
 * 2. Memory per held turn: 200 resumable turns of 500 events each whose clients dropped, finished
 *    and kept for their retention, versus the same turns not resumable (stopped by the drop, nothing
 *    kept): heap after a full GC.
 *
 * The server is a child process; the load runs in this one. Loopback only, bounded in time.
 */
import { fork } from "node:child_process";
import { once } from "node:events";
import { fileURLToPath } from "node:url";

const CONCURRENCY = 200;
const CHUNKS = 64;
const CHUNK_DELAY_MS = 20;
const REPETITIONS = 5;
const WARMUP_MS = 2_000;
const MEASURE_MS = 8_000;
const HELD_TURNS = 200;
const HELD_EVENTS = 500;

type Mode = "plain" | "resumable";
type Reply = { cpuUs?: number; heapUsed?: number };

if (process.argv[2] === "--server") void serve();
else void main();

/** The server under test: RagbitsAPI (Express adapter) and a chat that streams without a model. */
async function serve(): Promise<void> {
  const { ChatInterface, RagbitsAPI } = await import("@ragbits/chat");
  const pino = (await import("pino")).default;
  class PacedChat extends ChatInterface {
    async *chat(message: string) {
      const held = message === "held";
      const count = held ? HELD_EVENTS : CHUNKS;
      for (let index = 0; index < count; index++) {
        if (!held) await new Promise((resolve) => setTimeout(resolve, CHUNK_DELAY_MS));
        yield this.createTextResponse(held ? `t${index % 1000} ` : "abcd");
      }
    }
  }
  // The defaults a user gets: 30 s grace, 60 s retention (5 s once a client got the end).
  const api = new RagbitsAPI(PacedChat, { logger: pino({ level: "warn" }) });
  const server = await api.run({ port: 0, quiet: true });
  process.on("message", (message: { type: string }) => {
    if (message.type === "cpu") {
      const { user, system } = process.cpuUsage();
      process.send!({ cpuUs: user + system });
    } else if (message.type === "heap") {
      (globalThis as { gc?: () => void }).gc?.();
      (globalThis as { gc?: () => void }).gc?.();
      process.send!({ heapUsed: process.memoryUsage().heapUsed });
    }
  });
  process.send!({ url: server.url });
}

async function main(): Promise<void> {
  const child = fork(fileURLToPath(import.meta.url), ["--server"], { execArgv: ["--expose-gc"], stdio: ["ignore", "inherit", "inherit", "ipc"] });
  const [{ url }] = (await once(child, "message")) as [{ url: string }];
  const ask = async (type: string): Promise<Reply> => {
    const reply = once(child, "message") as Promise<[Reply]>;
    child.send({ type });
    return (await reply)[0];
  };
  try {
    const rows: Array<{ mode: Mode; cpuUsPerEvent: number; eventsPerSecond: number }> = [];
    for (let repetition = 0; repetition < REPETITIONS; repetition++) {
      // Alternating which goes first: drift in the machine's load hits both alike.
      const order: Mode[] = repetition % 2 === 0 ? ["plain", "resumable"] : ["resumable", "plain"];
      for (const mode of order) rows.push({ mode, ...(await measureLoad(url, mode, ask)) });
    }
    const memory = { plain: await measureHeld(url, "plain", ask), resumable: await measureHeld(url, "resumable", ask) };
    report(rows, memory);
  } finally {
    child.kill();
  }
}

/** C clients in a loop for the warm-up and the window; the server's CPU and the events received in the window. */
async function measureLoad(url: string, mode: Mode, ask: (type: string) => Promise<Reply>): Promise<{ cpuUsPerEvent: number; eventsPerSecond: number }> {
  let counting = false;
  let events = 0;
  const stopAt = Date.now() + WARMUP_MS + MEASURE_MS;
  const client = async () => {
    while (Date.now() < stopAt) {
      const text = await turn(url, mode, "go");
      if (counting) events += countTextEvents(text);
    }
  };
  const clients = Array.from({ length: CONCURRENCY }, client);
  await new Promise((resolve) => setTimeout(resolve, WARMUP_MS));
  counting = true;
  const before = (await ask("cpu")).cpuUs!;
  const startedAt = Date.now();
  await new Promise((resolve) => setTimeout(resolve, MEASURE_MS));
  const cpu = (await ask("cpu")).cpuUs! - before;
  const seconds = (Date.now() - startedAt) / 1000;
  counting = false;
  const counted = events;
  await Promise.all(clients);
  return { cpuUsPerEvent: cpu / counted, eventsPerSecond: counted / seconds };
}

/**
 * Heap growth per turn while HELD_TURNS finished turns of HELD_EVENTS events are kept: each client
 * drops its connection after the first bytes, so the server keeps the whole turn for its retention
 * (a turn whose end reached its client is forgotten within seconds).
 */
async function measureHeld(url: string, mode: Mode, ask: (type: string) => Promise<Reply>): Promise<{ bytesPerTurn: number }> {
  const before = (await ask("heap")).heapUsed!;
  for (let started = 0; started < HELD_TURNS; started += 20) await Promise.all(Array.from({ length: 20 }, () => droppedTurn(url, mode)));
  // The turns finish generating without their clients.
  await new Promise((resolve) => setTimeout(resolve, 2_000));
  const after = (await ask("heap")).heapUsed!;
  return { bytesPerTurn: (after - before) / HELD_TURNS };
}

async function droppedTurn(url: string, mode: Mode): Promise<void> {
  const controller = new AbortController();
  const headers: Record<string, string> = { "content-type": "application/json" };
  if (mode === "resumable") headers["x-ragbits-resumable"] = "1";
  const response = await fetch(`${url}/api/chat`, { method: "POST", headers, body: JSON.stringify({ message: "held", context: { conversation_id: "bench" } }), signal: controller.signal });
  await response.body!.getReader().read();
  controller.abort();
}

async function turn(url: string, mode: Mode, message: string): Promise<string> {
  const headers: Record<string, string> = { "content-type": "application/json" };
  if (mode === "resumable") headers["x-ragbits-resumable"] = "1";
  const response = await fetch(`${url}/api/chat`, { method: "POST", headers, body: JSON.stringify({ message, context: { conversation_id: "bench" } }) });
  return response.text();
}

function countTextEvents(text: string): number {
  let count = 0;
  for (let index = text.indexOf('"type":"text"'); index !== -1; index = text.indexOf('"type":"text"', index + 1)) count++;
  return count;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

function report(rows: Array<{ mode: Mode; cpuUsPerEvent: number; eventsPerSecond: number }>, memory: Record<Mode, { bytesPerTurn: number }>): void {
  const of = (mode: Mode) => rows.filter((row) => row.mode === mode);
  const cpu = (mode: Mode) => of(mode).map((row) => row.cpuUsPerEvent);
  const ratios = of("resumable").map((row, index) => row.cpuUsPerEvent / of("plain")[index]!.cpuUsPerEvent);
  const line = (mode: Mode) =>
    `| ${mode} | ${median(cpu(mode)).toFixed(1)} (${Math.min(...cpu(mode)).toFixed(1)}–${Math.max(...cpu(mode)).toFixed(1)}) | ${Math.round(median(of(mode).map((row) => row.eventsPerSecond)))} |`;
  process.stdout.write(
    [
      `resumable streams: C=${CONCURRENCY}, ${CHUNKS} events of 4 characters at ${CHUNK_DELAY_MS} ms, ${REPETITIONS} interleaved repetitions of ${MEASURE_MS / 1000} s`,
      "| mode | µs server CPU per event (median, min–max) | events/s |",
      "| --- | --- | --- |",
      line("plain"),
      line("resumable"),
      `resumable / plain, paired: median ${median(ratios).toFixed(2)}× (${Math.min(...ratios).toFixed(2)}–${Math.max(...ratios).toFixed(2)})`,
      `held turns (${HELD_TURNS} finished turns of ${HELD_EVENTS} events): plain ${Math.round(memory.plain.bytesPerTurn)} B/turn, resumable ${Math.round(memory.resumable.bytesPerTurn)} B/turn (${(memory.resumable.bytesPerTurn / HELD_EVENTS).toFixed(0)} B/event)`,
      "",
    ].join("\n"),
  );
}
