/**
 * Scenario 6: CPU per streamed chunk of a *structured* answer — the JSON of a typed object arriving
 * in pieces, parsed into partial objects as it grows, then validated. @ragbits/core
 * `generateStreaming(…, { output: schema })` against the Vercel AI SDK's `streamObject`
 * (`partialObjectStream`), same zod schema, same upstream, same run; the raw `openai` SDK stream
 * (text only, one JSON.parse at the end) is the floor.
 *
 * Self-contained: its upstream (pre-encoded chat-completions SSE frames of one JSON answer) runs in
 * this orchestrator process, and every measurement is a fresh `node` process that imports only the
 * library it measures and reports `process.cpuUsage()` around the measured streams.
 */
import { spawn } from "node:child_process";
import { once } from "node:events";
import { type Server, createServer } from "node:http";
import { type AddressInfo } from "node:net";
import { type BenchConfig } from "../bench-config";
import { trackChild } from "../process/child-registry";
import { rotation } from "../stats/interleave";
import { type Ratio, type Summary, ratio, summarize } from "../stats/summary";
import { type Upstream } from "../upstream/upstream";
import { BENCH_DIR, type Log } from "./scenario-support";

export type StructuredContenderId = "openai" | "ragbits" | "vercel";

export interface StructuredStreamRow {
  id: StructuredContenderId;
  label: string;
  cpuUsPerChunk: Summary;
  samples: number[];
  /** Partial objects the library delivered per answer (the last measured stream). */
  partialsPerAnswer: number;
}

export interface StructuredStreamReport {
  settings: StructuredStreamSettings;
  rows: StructuredStreamRow[];
  ratios: { vsVercel: Ratio; vsOpenAI: Ratio };
}

export interface StructuredStreamSettings {
  repetitions: number;
  /** SSE chunks per answer, each carrying `chunkChars` characters of the JSON. */
  chunks: number;
  chunkChars: number;
  warmupStreams: number;
  measuredStreams: number;
}

const SETTINGS: Record<"full" | "quick", StructuredStreamSettings> = {
  full: { repetitions: 5, chunks: 256, chunkChars: 8, warmupStreams: 30, measuredStreams: 150 },
  quick: { repetitions: 2, chunks: 256, chunkChars: 8, warmupStreams: 10, measuredStreams: 40 },
};

const CONTENDERS: Array<{ id: StructuredContenderId; label: string }> = [
  { id: "openai", label: "openai SDK raw stream + JSON.parse at the end (floor, no partial objects)" },
  { id: "ragbits", label: "@ragbits/core generateStreaming({ output: zod schema })" },
  { id: "vercel", label: "Vercel AI SDK streamObject (@ai-sdk/openai), partialObjectStream" },
];

export async function runStructuredStream(config: BenchConfig, _upstream: Upstream, log: Log): Promise<StructuredStreamReport> {
  const settings = SETTINGS[config.mode];
  const answer = answerJson(settings.chunks * settings.chunkChars);
  const server = await startJsonUpstream(answer, settings);
  try {
    const samples = new Map<StructuredContenderId, number[]>();
    const partials = new Map<StructuredContenderId, number>();
    for (let round = 0; round < settings.repetitions; round++) {
      for (const contender of rotation(CONTENDERS, round)) {
        const result = await measure(contender.id, server.url, settings);
        const perChunk = result.cpuUs / (result.streams * settings.chunks);
        samples.set(contender.id, [...(samples.get(contender.id) ?? []), perChunk]);
        partials.set(contender.id, result.partials);
        log(`  structured ${round + 1}/${settings.repetitions} ${contender.id.padEnd(8)} ${perChunk.toFixed(2)} µs/chunk  ${result.partials} partial objects/answer`);
      }
    }
    const rows = CONTENDERS.map(({ id, label }) => ({ id, label, cpuUsPerChunk: summarize(samples.get(id) ?? []), samples: samples.get(id) ?? [], partialsPerAnswer: partials.get(id) ?? 0 }));
    const of = (id: StructuredContenderId) => samples.get(id) ?? [];
    return { settings, rows, ratios: { vsVercel: ratio(of("ragbits"), of("vercel")), vsOpenAI: ratio(of("ragbits"), of("openai")) } };
  } finally {
    await server.close();
  }
}

/** An answer of about `length` characters: a list of items, as an extraction would return. */
function answerJson(length: number): string {
  const items: Array<{ name: string; score: number; tags: string[] }> = [];
  for (let index = 0; JSON.stringify({ title: "Report", items }).length < length; index++) items.push({ name: `item number ${index}`, score: index % 10, tags: ["alpha", "beta"] });
  return JSON.stringify({ title: "Report", items });
}

/** The same schema for every contender (each imports its own zod in its process). */
const SCHEMA_SOURCE = `z.object({ title: z.string(), items: z.array(z.object({ name: z.string(), score: z.number(), tags: z.array(z.string()) })) })`;

interface MeasureResult {
  cpuUs: number;
  streams: number;
  partials: number;
}

/** One measurement: a fresh process streams warm-up answers, then the measured ones, and reports its CPU. */
async function measure(id: StructuredContenderId, baseUrl: string, settings: StructuredStreamSettings): Promise<MeasureResult> {
  const child = trackChild(spawn(process.execPath, ["--input-type=module", "-e", clientScript(id, baseUrl, settings)], { cwd: BENCH_DIR, stdio: ["ignore", "pipe", "pipe"] }));
  let stdout = "";
  let stderr = "";
  child.stdout!.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr!.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  const [code] = (await once(child, "exit")) as [number | null];
  if (code !== 0) throw new Error(`the ${id} structured-stream client failed (${code}): ${stderr.slice(0, 2000)}`);
  return JSON.parse(stdout.trim().split("\n").at(-1)!) as MeasureResult;
}

function clientScript(id: StructuredContenderId, baseUrl: string, settings: StructuredStreamSettings): string {
  const streamOnce: Record<StructuredContenderId, string> = {
    openai: `
const { default: OpenAI } = await import("openai");
const client = new OpenAI({ baseURL: ${JSON.stringify(baseUrl)}, apiKey: "sk-bench", maxRetries: 0 });
const streamOnce = async () => {
  const stream = await client.chat.completions.create({ model: "gpt-4o-mini", messages: [{ role: "user", content: "Report" }], stream: true, stream_options: { include_usage: true } });
  let text = "";
  for await (const chunk of stream) text += chunk.choices[0]?.delta?.content ?? "";
  JSON.parse(text);
  return 1;
};`,
    ragbits: `
const { z } = await import("zod");
const { OpenAILLM } = await import("@ragbits/core");
const schema = ${SCHEMA_SOURCE};
const llm = new OpenAILLM({ modelName: "gpt-4o-mini", apiKey: "sk-bench", baseUrl: ${JSON.stringify(baseUrl)}, maxRetries: 0 });
const streamOnce = async () => {
  let partials = 0;
  const stream = llm.generateStreaming("Report", { output: schema });
  for await (const _partial of stream) partials++;
  await stream.output;
  return partials;
};`,
    vercel: `
const { z } = await import("zod");
const [{ streamObject }, { createOpenAI }] = await Promise.all([import("ai"), import("@ai-sdk/openai")]);
globalThis.AI_SDK_LOG_WARNINGS = false;
const schema = ${SCHEMA_SOURCE};
const model = createOpenAI({ baseURL: ${JSON.stringify(baseUrl)}, apiKey: "sk-bench" }).chat("gpt-4o-mini");
const streamOnce = async () => {
  let partials = 0;
  const result = streamObject({ model, schema, prompt: "Report", maxRetries: 0 });
  for await (const _partial of result.partialObjectStream) partials++;
  await result.object;
  return partials;
};`,
  };
  return `${streamOnce[id]}
let partials = 0;
for (let index = 0; index < ${settings.warmupStreams}; index++) partials = await streamOnce();
const before = process.cpuUsage();
for (let index = 0; index < ${settings.measuredStreams}; index++) partials = await streamOnce();
const cpu = process.cpuUsage(before);
console.log(JSON.stringify({ cpuUs: cpu.user + cpu.system, streams: ${settings.measuredStreams}, partials }));
process.exit(0);`;
}

/** A chat-completions upstream that streams `answer` in `chunks` SSE frames, encoded once. */
async function startJsonUpstream(answer: string, settings: StructuredStreamSettings): Promise<{ url: string; close(): Promise<void> }> {
  const base = { id: "chatcmpl-bench", object: "chat.completion.chunk", created: 1, model: "gpt-4o-mini" };
  const frame = (data: object) => `data: ${JSON.stringify(data)}\n\n`;
  const pieces: string[] = [];
  const size = Math.ceil(answer.length / settings.chunks);
  for (let start = 0; start < answer.length; start += size) pieces.push(answer.slice(start, start + size));
  const body = Buffer.from(
    [
      frame({ ...base, choices: [{ index: 0, delta: { role: "assistant", content: "" }, finish_reason: null }] }),
      ...pieces.map((content) => frame({ ...base, choices: [{ index: 0, delta: { content }, finish_reason: null }] })),
      frame({ ...base, choices: [{ index: 0, delta: {}, finish_reason: "stop" }] }),
      frame({ ...base, choices: [], usage: { prompt_tokens: 10, completion_tokens: pieces.length, total_tokens: 10 + pieces.length } }),
      "data: [DONE]\n\n",
    ].join(""),
  );
  const server: Server = createServer((req, res) => {
    req.resume();
    req.on("end", () => {
      res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache" });
      res.end(body);
    });
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/v1`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
