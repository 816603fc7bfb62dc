/**
 * Zero-code OpenTelemetry: `ragbits api run` with the standard OTEL_* environment starts the
 * OpenTelemetry Node SDK, and what it exports is what a collector would receive. The OTLP/HTTP
 * exporter (JSON encoding) sends to a loopback receiver started here, which decodes the traces and
 * metrics; the documented local recipe (console span exporter, Prometheus metrics) is checked too.
 */
import { type IncomingMessage, type Server, createServer } from "node:http";
import { type AddressInfo } from "node:net";
import { OpenAIMockServer } from "@ragbits/core/testing";
import { spawnCli, stopAll, stopTree, waitForOutput, waitForUrl } from "./cli-fixtures/cli-process";
import { chat, textOf } from "./cli-fixtures/http";
import { UserProject } from "./cli-fixtures/user-project";

jest.setTimeout(90_000);

const KEY = "sk-otel-e2e-sentinel-0123456789";
const OTEL_CHAT_TS = `import { ChatInterface, type ChatResponse } from "@ragbits/chat";
import { type ChatFormat, LiteLLM } from "@ragbits/core";

export class OtelChat extends ChatInterface {
  llm = new LiteLLM({ modelName: "gpt-4o-mini", apiKey: process.env.TEST_OPENAI_KEY, baseUrl: process.env.TEST_UPSTREAM_URL });
  async *chat(message: string, history: ChatFormat): AsyncGenerator<ChatResponse> {
    for await (const chunk of this.llm.generateStreaming([...history, { role: "user", content: message }])) yield this.createTextResponse(chunk);
  }
}
`;

interface OtlpAttribute {
  key: string;
  value: { stringValue?: string; intValue?: string | number; doubleValue?: number; boolValue?: boolean; arrayValue?: { values: Array<{ stringValue?: string }> } };
}
interface OtlpSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: number;
  attributes: OtlpAttribute[];
  events?: Array<{ name: string }>;
}

/** An OTLP/HTTP receiver: keeps every JSON body posted to /v1/traces and /v1/metrics. */
class OtlpReceiver {
  readonly traces: any[] = [];
  readonly metrics: any[] = [];
  private constructor(private readonly server: Server) {}

  static async start(): Promise<OtlpReceiver> {
    const server = createServer();
    const receiver = new OtlpReceiver(server);
    server.on("request", (req: IncomingMessage, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (chunk: Buffer) => chunks.push(chunk));
      req.on("end", () => {
        const body = Buffer.concat(chunks).toString("utf8");
        if (req.headers["content-type"]?.startsWith("application/json")) {
          if (req.url === "/v1/traces") receiver.traces.push(JSON.parse(body));
          if (req.url === "/v1/metrics") receiver.metrics.push(JSON.parse(body));
        }
        res.writeHead(200, { "content-type": "application/json" }).end("{}");
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    return receiver;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  spans(): Array<OtlpSpan & { resource: OtlpAttribute[]; scope: string }> {
    return this.traces.flatMap((body) =>
      body.resourceSpans.flatMap((resourceSpans: any) => resourceSpans.scopeSpans.flatMap((scopeSpans: any) => scopeSpans.spans.map((span: OtlpSpan) => ({ ...span, resource: resourceSpans.resource.attributes, scope: scopeSpans.scope.name })))),
    );
  }

  metricNames(): string[] {
    return this.metrics.flatMap((body) => body.resourceMetrics.flatMap((resourceMetrics: any) => resourceMetrics.scopeMetrics.flatMap((scopeMetrics: any) => scopeMetrics.metrics.map((metric: any) => metric.name))));
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

/** OTLP's JSON attribute list as a plain object. */
function attributesOf(list: OtlpAttribute[]): Record<string, unknown> {
  return Object.fromEntries(
    list.map(({ key, value }) => [key, value.stringValue ?? (value.intValue !== undefined ? Number(value.intValue) : undefined) ?? value.doubleValue ?? value.boolValue ?? value.arrayValue?.values.map((item) => item.stringValue)]),
  );
}

async function until<T>(probe: () => T | undefined, what: string, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

let project: UserProject;
let upstream: OpenAIMockServer;

beforeAll(async () => {
  project = new UserProject();
  project.write("otel-chat.ts", OTEL_CHAT_TS);
  upstream = await OpenAIMockServer.start();
});

afterAll(async () => {
  await stopAll();
  await upstream?.close();
  project?.remove();
});

it("exports the turn and its model call over OTLP/HTTP when OTEL_EXPORTER_OTLP_ENDPOINT is set", async () => {
  const receiver = await OtlpReceiver.start();
  try {
    upstream.enqueue({ text: ["Hello ", "from ", "OTLP"], usage: { promptTokens: 11, completionTokens: 3 } });
    const server = spawnCli(["api", "run", "otel-chat.ts:OtelChat", "--port", "0"], project.dir, {
      TEST_OPENAI_KEY: KEY,
      TEST_UPSTREAM_URL: upstream.url,
      OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
      OTEL_EXPORTER_OTLP_PROTOCOL: "http/json",
      OTEL_SERVICE_NAME: "ragbits-e2e",
      OTEL_BSP_SCHEDULE_DELAY: "100",
      OTEL_METRIC_EXPORT_INTERVAL: "300",
      OTEL_LOGS_EXPORTER: "none",
    });
    const url = await waitForUrl(server);
    const events = await chat(url, { message: "hi", context: { conversation_id: "conv-otlp" } });
    expect(textOf(events)).toBe("Hello from OTLP");

    const turn = await until(() => receiver.spans().find((span) => span.name === "ragbits.chat.turn"), "the turn span at the receiver");
    const call = await until(() => receiver.spans().find((span) => span.name === "chat gpt-4o-mini"), "the model call's span at the receiver");
    expect(attributesOf(turn.resource)).toMatchObject({ "service.name": "ragbits-e2e" });
    expect(turn.scope).toBe("@ragbits/chat");
    expect(attributesOf(turn.attributes)).toMatchObject({ "gen_ai.conversation.id": "conv-otlp", "ragbits.chat.name": "OtelChat", "ragbits.chat.outcome": "completed", "ragbits.chat.events_sent": 3 });
    expect(call.scope).toBe("@ragbits/core");
    expect(call.traceId).toBe(turn.traceId);
    expect(call.parentSpanId).toBe(turn.spanId);
    // OTLP's SpanKind: 3 is CLIENT.
    expect(call.kind).toBe(3);
    expect(attributesOf(call.attributes)).toMatchObject({
      "gen_ai.operation.name": "chat",
      "gen_ai.provider.name": "openai",
      "gen_ai.request.model": "gpt-4o-mini",
      "gen_ai.conversation.id": "conv-otlp",
      "gen_ai.usage.input_tokens": 11,
      "gen_ai.usage.output_tokens": 3,
      "gen_ai.response.finish_reasons": ["stop"],
    });
    expect(call.events?.map((event) => event.name)).toEqual(["ragbits.llm.first_chunk"]);

    await until(() => (["gen_ai.client.operation.duration", "gen_ai.client.token.usage", "ragbits.chat.turns"].every((name) => receiver.metricNames().includes(name)) ? true : undefined), "the metrics at the receiver");
    expect(JSON.stringify([receiver.traces, receiver.metrics])).not.toContain(KEY);
    expect(server.stdout + server.stderr).toContain("OpenTelemetry started");
    await stopTree(server);
  } finally {
    await receiver.close();
  }
});

it("runs the documented local recipe: --otel with the console span exporter and Prometheus metrics", async () => {
  const prometheusPort = await freePort();
  upstream.enqueue({ text: ["local ", "recipe"] });
  const server = spawnCli(["api", "run", "otel-chat.ts:OtelChat", "--port", "0", "--otel"], project.dir, {
    TEST_OPENAI_KEY: KEY,
    TEST_UPSTREAM_URL: upstream.url,
    OTEL_TRACES_EXPORTER: "console",
    OTEL_METRICS_EXPORTER: "prometheus",
    OTEL_EXPORTER_PROMETHEUS_HOST: "127.0.0.1",
    OTEL_EXPORTER_PROMETHEUS_PORT: String(prometheusPort),
    OTEL_LOGS_EXPORTER: "none",
    OTEL_BSP_SCHEDULE_DELAY: "100",
  });
  const url = await waitForUrl(server);
  expect(textOf(await chat(url, { message: "hi" }))).toBe("local recipe");
  await waitForOutput(server, (stdout) => (stdout.includes("name: 'ragbits.chat.turn'") && stdout.includes("name: 'chat gpt-4o-mini'") ? true : undefined), "the console exporter's spans");
  const exposition = await (await fetch(`http://127.0.0.1:${prometheusPort}/metrics`)).text();
  const lines = exposition.split("\n");
  expect(lines.filter((line) => line.startsWith("gen_ai_client_operation_duration_count{") && line.includes('gen_ai_provider_name="openai"') && line.endsWith(" 1"))).toHaveLength(1);
  expect(lines.filter((line) => /^ragbits_chat_turns(_total)?\{/.test(line) && line.includes('ragbits_chat_outcome="completed"') && line.endsWith(" 1"))).toHaveLength(1);
  await stopTree(server);
});

it("says what to install when --otel is asked for and the SDK is missing, and starts nothing with --no-otel", async () => {
  // A process where @opentelemetry/sdk-node cannot be found: Node's module resolution is pointed at an empty folder.
  const blocked = spawnCli(["api", "run", "otel-chat.ts:OtelChat", "--port", "0", "--otel"], project.dir, { NODE_OPTIONS: `--import=data:text/javascript,${encodeURIComponent(BLOCK_SDK_NODE)}` });
  const failed = await waitForOutput(blocked, (_stdout, stderr) => (stderr.includes("ragbits: error") ? stderr : undefined), "the CLI's error");
  expect(failed).toContain("npm install @opentelemetry/api @opentelemetry/sdk-node");

  const quiet = spawnCli(["api", "run", "otel-chat.ts:OtelChat", "--port", "0", "--no-otel"], project.dir, { OTEL_EXPORTER_OTLP_ENDPOINT: "http://127.0.0.1:9" });
  await waitForUrl(quiet);
  expect(quiet.stdout + quiet.stderr).not.toContain("OpenTelemetry");
  await stopTree(quiet);
});

/** Registers a module hook that makes `@opentelemetry/sdk-node` unresolvable, as if it were not installed. */
const BLOCK_SDK_NODE = `import { register } from "node:module";
register("data:text/javascript," + encodeURIComponent('export async function resolve(specifier, context, next) { if (specifier === "@opentelemetry/sdk-node") { const error = new Error("Cannot find package \\'@opentelemetry/sdk-node\\' imported from " + context.parentURL); error.code = "ERR_MODULE_NOT_FOUND"; throw error; } return next(specifier, context); }'));`;

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const probe = createServer().listen(0, "127.0.0.1", () => {
      const { port } = probe.address() as AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}
