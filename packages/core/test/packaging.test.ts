/**
 * The published package, as a user gets it: packed, installed alone in an empty project outside the
 * workspace, loaded through its exports map from ESM, CommonJS and TypeScript.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";

jest.setTimeout(180_000);

const packageDir = join(__dirname, "..");
const tsc = require.resolve("typescript/bin/tsc");
let project: string;

/**
 * The environment of a user's shell: no NODE_PATH, which pnpm's bin shims set (to the workspace's
 * package store) and which would let `require` find packages the project never installed.
 */
function userEnv(): NodeJS.ProcessEnv {
  // prefer-offline: packages npm has already fetched (an earlier run, another Node version) come from its cache.
  const env: NodeJS.ProcessEnv = { ...process.env, npm_config_audit: "false", npm_config_fund: "false", npm_config_update_notifier: "false", npm_config_prefer_offline: "true" };
  delete env.NODE_PATH;
  return env;
}

function run(command: string, args: string[], cwd = project): string {
  const result = spawnSync(command, args, { cwd, encoding: "utf8", env: userEnv() });
  if (result.status !== 0) throw new Error(`${command} ${args.join(" ")} failed (${result.status}):\n${result.stdout}\n${result.stderr}`);
  return result.stdout;
}

beforeAll(() => {
  if (!existsSync(join(packageDir, "dist", "index.js"))) throw new Error("packages/core/dist is missing: run `pnpm build` first");
  project = mkdtempSync(join(tmpdir(), "ragbits-core-consumer-"));
  run("pnpm", ["pack", "--pack-destination", project], packageDir);
  const tarball = readdirSync(project).find((file) => file.endsWith(".tgz"));
  writeFileSync(join(project, "package.json"), JSON.stringify({ name: "consumer", version: "1.0.0", private: true }));
  run("npm", ["install", "--no-save", `./${tarball}`]);
});

afterAll(() => {
  if (project) rmSync(project, { recursive: true, force: true });
});

it("installs alone: no express, no provider SDK", () => {
  const installed = readdirSync(join(project, "node_modules")).filter((name) => !name.startsWith("."));
  expect(installed).toEqual(["@ragbits"]);
  expect(existsSync(join(project, "node_modules", "express"))).toBe(false);
  expect(existsSync(join(project, "node_modules", "openai"))).toBe(false);
});

it("ships the licenses of the packages bundled into dist (partial-json, mustache)", () => {
  const installed = join(project, "node_modules", "@ragbits", "core");
  const notices = readFileSync(join(installed, "THIRD_PARTY_NOTICES.md"), "utf8");
  const bundled = readFileSync(join(installed, "dist", "index.js"), "utf8");
  for (const name of ["partial-json", "mustache"]) {
    expect(bundled).toContain(`node_modules/${name}/`);
    expect(notices).toContain(`## ${name} `);
  }
  expect(notices.match(/Permission is hereby granted, free of charge/g)).toHaveLength(2);
});

it("loads from ESM and from CommonJS, and streams offline on MockLLM", () => {
  const esm = `import { MockLLM, LiteLLM, LLMError } from "@ragbits/core";
const chunks = [];
for await (const chunk of new MockLLM().generateStreaming("hello from esm")) chunks.push(chunk);
console.log(JSON.stringify({ chunks, lite: typeof LiteLLM, error: typeof LLMError }));`;
  writeFileSync(join(project, "esm.mjs"), esm);
  expect(JSON.parse(run("node", ["esm.mjs"]))).toEqual({ chunks: ["hello ", "from ", "esm"], lite: "function", error: "function" });

  const cjs = `const { MockLLM } = require("@ragbits/core");
const { OpenAIMockServer } = require("@ragbits/core/testing");
new MockLLM().generate("hello from cjs").then((text) => console.log(JSON.stringify({ text, server: typeof OpenAIMockServer })));`;
  writeFileSync(join(project, "cjs.cjs"), cjs);
  expect(JSON.parse(run("node", ["cjs.cjs"]))).toEqual({ text: "hello from cjs", server: "function" });
});

it("offers the browser-safe redaction alone as @ragbits/core/redact, with no Node built-in behind it", () => {
  const esm = `import { headerRedactor, redactSecrets } from "@ragbits/core/redact";
console.log(JSON.stringify([redactSecrets("key sk-proj-AAAAbbbbCCCCdddd"), headerRedactor({ Authorization: "Bearer tok-0123456789" })("sent tok-0123456789")]));`;
  writeFileSync(join(project, "redact.mjs"), esm);
  const expected = ["key sk-***", "sent [redacted]"];
  expect(JSON.parse(run("node", ["redact.mjs"]))).toEqual(expected);
  writeFileSync(join(project, "redact.cjs"), esm.replace(/^import (.*) from "(.*)";$/m, 'const $1 = require("$2");'));
  expect(JSON.parse(run("node", ["redact.cjs"]))).toEqual(expected);

  // What a browser bundler takes for the ESM entry: the entry and the chunks it imports, transitively.
  const dist = join(project, "node_modules", "@ragbits", "core", "dist");
  const pending = [join(dist, "redact", "index.js")];
  const seen = new Set<string>();
  while (pending.length > 0) {
    const file = pending.pop() as string;
    if (seen.has(file)) continue;
    seen.add(file);
    const code = readFileSync(file, "utf8");
    expect([file, code]).not.toEqual([file, expect.stringMatching(/from\s*["'](node:|[^."'])|require\(|\bprocess\./)]);
    for (const [, specifier] of code.matchAll(/from\s*["'](\.[^"']+)["']/g)) pending.push(join(dirname(file), specifier as string));
  }
  expect(seen.size).toBeGreaterThanOrEqual(1);
});

it("resolves its types for ESM and CommonJS TypeScript projects, under the strictest common settings", () => {
  // Values from the environment are `string | undefined`; an explicit undefined keeps a default (README).
  const usage = `import { LiteLLM, MockLLM, type ChatFormat, type LLMOptions, type LLMStream, LLMRateLimitError } from "@ragbits/core";
import { OpenAIMockServer } from "@ragbits/core/testing";
import { type Redactor, headerRedactor } from "@ragbits/core/redact";
const redact: Redactor = headerRedactor({ Authorization: "Bearer x" });
const history: ChatFormat = [{ role: "user", content: "hi" }];
const temperature: number | undefined = process.env.TEMPERATURE ? Number(process.env.TEMPERATURE) : undefined;
const llm = new LiteLLM({ modelName: "gpt-4o-mini", apiKey: process.env.OPENAI_API_KEY, baseUrl: process.env.OPENAI_BASE_URL, maxRetries: undefined, defaultOptions: { temperature } });
const stream: LLMStream<string> = llm.generateStreaming(history, { options: { temperature: undefined }, signal: undefined });
const options: LLMOptions = { temperature: undefined, maxTokens: undefined, stop: undefined };
const text: Promise<string> = new MockLLM({ response: undefined, chunkDelayMs: undefined }).generate("hi", { options, tools: undefined });
const firstChunk: string | undefined = history.map((message) => message.role)[0];
const retryAfter: number | undefined = new LLMRateLimitError({ provider: "p", model: "m", statusCode: 429, providerMessage: "x" }).retryAfterMs;
export { stream, text, firstChunk, retryAfter, OpenAIMockServer, redact };
`;
  writeFileSync(join(project, "usage.mts"), usage);
  writeFileSync(join(project, "usage.cts"), usage.replace(/^export (\{.*\});$/m, "module.exports = $1;").replace(/^import (.*) from "(.*)";$/gm, "import $1 from \"$2\";"));
  const flags = [
    ...["--noEmit", "--strict", "--exactOptionalPropertyTypes", "--noUncheckedIndexedAccess", "--noUnusedLocals", "--skipLibCheck", "false"],
    ...["--module", "nodenext", "--moduleResolution", "nodenext", "--target", "es2022", "--lib", "es2023", "--pretty", "false"],
    ...["--types", "node", "--typeRoots", dirname(dirname(require.resolve("@types/node/package.json")))],
  ];
  // One program, both module kinds: .mts is ESM and .cts CommonJS whatever the package.json says.
  const result = spawnSync(process.execPath, [tsc, ...flags, "usage.mts", "usage.cts"], { cwd: project, encoding: "utf8", env: userEnv() });
  expect(result.stdout.split("\n").filter((line) => /error TS\d+/.test(line))).toEqual([]);
  expect(result.status).toBe(0);
});

it("asks for the provider SDK on first use, then streams from a loopback upstream once only that SDK is installed", () => {
  const script = `import { LiteLLM } from "@ragbits/core";
import { OpenAIMockServer } from "@ragbits/core/testing";
const server = await OpenAIMockServer.start();
server.enqueue({ text: ["packed ", "and ", "streaming"] });
try {
  const chunks = [];
  for await (const chunk of new LiteLLM({ modelName: "gpt-4o-mini", apiKey: "sk-test-0000000000", baseUrl: server.url }).generateStreaming("hi")) chunks.push(chunk);
  console.log(JSON.stringify({ chunks }));
} catch (error) {
  console.log(JSON.stringify({ error: error.name, message: error.message }));
} finally {
  await server.close();
}`;
  writeFileSync(join(project, "openai.mjs"), script);
  const before = JSON.parse(run("node", ["openai.mjs"]));
  expect(before.error).toBe("LLMConfigurationError");
  expect(before.message).toContain("npm install openai@^6.49.0");

  run("npm", ["install", "--no-save", `./${readdirSync(project).find((file) => file.endsWith(".tgz"))}`, "openai@6.49.0"]);
  expect(readdirSync(join(project, "node_modules")).filter((name) => !name.startsWith(".")).sort()).toEqual(["@ragbits", "openai"]);
  expect(JSON.parse(run("node", ["openai.mjs"]))).toEqual({ chunks: ["packed ", "and ", "streaming"] });
});

it("traces model calls from ESM and CommonJS once @opentelemetry/api and an SDK are installed (an optional peer, loaded on the first call)", () => {
  const tarball = readdirSync(project).find((file) => file.endsWith(".tgz"))!;
  run("npm", ["install", "--no-save", `./${tarball}`, "openai@6.49.0", "@opentelemetry/api@1.9.1", "@opentelemetry/sdk-trace-base@2.12.1"]);
  const setup = (load: (name: string) => string) => `const { trace } = ${load("@opentelemetry/api")};
const { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } = ${load("@opentelemetry/sdk-trace-base")};
const { MockLLM } = ${load("@ragbits/core")};
const exporter = new InMemorySpanExporter();
trace.setGlobalTracerProvider(new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] }));
const report = () => console.log(JSON.stringify(exporter.getFinishedSpans().map((span) => [span.name, span.attributes["gen_ai.provider.name"], span.attributes["gen_ai.request.stream"]])));`;
  writeFileSync(join(project, "traced.mjs"), `${setup((name) => `await import("${name}")`)}\nfor await (const _ of new MockLLM({ modelName: "mock-model" }).generateStreaming("hi")); report();`);
  writeFileSync(join(project, "traced.cjs"), `${setup((name) => `require("${name}")`)}\nnew MockLLM({ modelName: "mock-model" }).generate("hi").then(report);`);
  expect(JSON.parse(run("node", ["traced.mjs"]))).toEqual([["chat mock-model", "mock", true]]);
  expect(JSON.parse(run("node", ["traced.cjs"]))).toEqual([["chat mock-model", "mock", false]]);
});
