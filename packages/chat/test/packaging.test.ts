/**
 * @ragbits/chat as a user installs it: both packages packed, installed in an empty project outside the
 * workspace (a CommonJS project, as `npm init -y` makes it), then used from ESM, CommonJS, the client
 * entry, TypeScript under the strictest settings, and the `ragbits` bin — first without the optional
 * peers (tsx, pino-pretty), then with them, serving the README's tutorial exactly as written.
 */
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, relative, resolve, sep } from "node:path";
import { OpenAIMockServer } from "@ragbits/core/testing";
import { readmeSnippets } from "./helpers/readme-snippets";

jest.setTimeout(300_000);

const packageDir = join(__dirname, "..");
const coreDir = join(packageDir, "..", "core");
const workspaceRoot = join(packageDir, "..", "..");
const tsc = require.resolve("typescript/bin/tsc");
let project: string;
let installed: string;
const children: ChildProcess[] = [];

/**
 * The environment of a user's shell: no NODE_PATH, which pnpm's bin shims set (to the workspace's
 * package store) and which would let `require` find packages the project never installed.
 */
function userEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  // prefer-offline: packages npm has already fetched (an earlier run, another Node version) come from its cache.
  const env: NodeJS.ProcessEnv = { ...process.env, npm_config_audit: "false", npm_config_fund: "false", npm_config_update_notifier: "false", npm_config_prefer_offline: "true", ...extra };
  delete env.NODE_PATH;
  return env;
}

function run(command: string, args: string[], cwd = project): string {
  const result = spawnSync(command, args, { cwd, encoding: "utf8", env: userEnv() });
  if (result.status !== 0) throw new Error(`${command} ${args.join(" ")} failed (${result.status}):\n${result.stdout}\n${result.stderr}`);
  return result.stdout;
}

function tarball(prefix: string): string {
  const file = readdirSync(project).find((name) => name.startsWith(prefix) && name.endsWith(".tgz"));
  if (!file) throw new Error(`no ${prefix}*.tgz in ${project}`);
  return file;
}

/** Starts `ragbits api run ...` in the project and resolves with the URL it prints. */
async function startCli(args: string[], env: NodeJS.ProcessEnv = {}): Promise<{ url: string; output: () => string; child: ChildProcess }> {
  const child = spawn(join(project, "node_modules", ".bin", "ragbits"), ["api", "run", ...args, "--port", "0"], { cwd: project, env: userEnv({ RAGBITS_SECRET_KEY: "packaging-test", ...env }) });
  children.push(child);
  let output = "";
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no URL printed within 30 s:\n${output}`)), 30_000);
    const onData = (data: Buffer) => {
      output += data.toString();
      const match = /running at (http:\/\/\S+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]!);
      }
    };
    child.stdout!.on("data", onData);
    child.stderr!.on("data", onData);
    child.once("exit", (code) => reject(new Error(`the CLI exited (${code}) before serving:\n${output}`)));
  });
  return { url, output: () => output, child };
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise((resolve) => child.once("exit", resolve));
  child.kill("SIGTERM");
  await exited;
}

async function chatOnce(url: string, message: string): Promise<string> {
  return (await fetch(`${url}/api/chat`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ message }) })).text();
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

beforeAll(() => {
  for (const dir of [packageDir, coreDir]) if (!existsSync(join(dir, "dist", "index.js"))) throw new Error(`${dir}/dist is missing: run \`pnpm build\` first`);
  project = mkdtempSync(join(tmpdir(), "ragbits-chat-consumer-"));
  run("pnpm", ["pack", "--pack-destination", project], coreDir);
  run("pnpm", ["pack", "--pack-destination", project], packageDir);
  // What `npm init -y` writes (npm 11): a CommonJS project.
  writeFileSync(join(project, "package.json"), JSON.stringify({ name: "consumer", version: "1.0.0", private: true, type: "commonjs" }, null, 2));
  run("npm", ["install", `./${tarball("ragbits-core-")}`, `./${tarball("ragbits-chat-")}`]);
  installed = join(project, "node_modules", "@ragbits", "chat");
});

afterAll(async () => {
  await Promise.all(children.map(stop));
  if (project) rmSync(project, { recursive: true, force: true });
});

it("ships its bin and both entry points", () => {
  expect(existsSync(join(installed, "dist", "cli.js"))).toBe(true);
  expect(existsSync(join(installed, "dist", "client", "index.js"))).toBe(true);
  expect(existsSync(join(project, "node_modules", ".bin", "ragbits"))).toBe(true);
});

it("ships the web UI build: in the tarball, installed, and complete", () => {
  // `pnpm build` builds the UI first (turbo) and copies it into ui-build/: a missing build is a failure here.
  const builtIndex = join(packageDir, "ui-build", "index.html");
  expect(existsSync(builtIndex)).toBe(true);
  expect(run("tar", ["-tzf", tarball("ragbits-chat-")]).split("\n")).toContain("package/ui-build/index.html");
  const installedUi = join(installed, "ui-build");
  const html = readFileSync(join(installedUi, "index.html"), "utf8");
  expect(html).toBe(readFileSync(builtIndex, "utf8"));
  // Every script, stylesheet and icon the page loads is in the package as well.
  const assets = [...html.matchAll(/(?:src|href)="\.\/([^"]+)"/g)].map((match) => match[1]!);
  expect(assets.filter((asset) => asset.endsWith(".js"))).not.toHaveLength(0);
  expect(assets.filter((asset) => !existsSync(join(installedUi, asset)))).toEqual([]);
});

it("ships what a registry page and a lawyer look for: LICENSE, repository, homepage, bugs, and every `files` entry", () => {
  for (const [dir, name] of [[packageDir, "ragbits-chat-"], [coreDir, "ragbits-core-"]] as const) {
    const manifest = JSON.parse(readFileSync(join(dir, "package.json"), "utf8"));
    const entries = run("tar", ["-tzf", tarball(name)]).split("\n");
    expect([manifest.name, manifest.files.filter((file: string) => !entries.some((entry) => entry === `package/${file}` || entry.startsWith(`package/${file}/`)))]).toEqual([manifest.name, []]);
    expect(entries).toContain("package/LICENSE");
    expect(manifest.license).toBe("MIT");
    expect(manifest.repository).toEqual({ type: "git", url: "git+https://github.com/ragbits-ts/ragbits-ts.git", directory: relative(workspaceRoot, dir) });
    expect(manifest.homepage).toBe(`https://github.com/ragbits-ts/ragbits-ts/tree/main/${relative(workspaceRoot, dir)}#readme`);
    expect(manifest.bugs).toEqual({ url: "https://github.com/ragbits-ts/ragbits-ts/issues" });
  }
  const license = readFileSync(join(workspaceRoot, "LICENSE"), "utf8");
  expect(license).toMatch(/^MIT License\n/);
  expect(readFileSync(join(installed, "LICENSE"), "utf8")).toBe(license);
  expect(readFileSync(join(project, "node_modules", "@ragbits", "core", "LICENSE"), "utf8")).toBe(license);
});

it("ships every file its package.json points to: main, module, types, bin and each exports condition", () => {
  const targets = (value: unknown): string[] => (typeof value === "string" ? [value] : value && typeof value === "object" ? Object.values(value).flatMap(targets) : []);
  for (const [dir, name] of [[packageDir, "ragbits-chat-"], [coreDir, "ragbits-core-"]] as const) {
    const manifest = JSON.parse(readFileSync(join(dir, "package.json"), "utf8"));
    const entries = new Set(run("tar", ["-tzf", tarball(name)]).split("\n"));
    const named = targets([manifest.main, manifest.module, manifest.types, manifest.bin, manifest.exports]).filter((target) => target !== "./package.json");
    expect(named.length).toBeGreaterThan(4);
    expect([manifest.name, named.filter((target) => !entries.has(`package/${target.replace(/^\.\//, "")}`))]).toEqual([manifest.name, []]);
  }
});

it("ships no path of the build machine, and source maps that carry their sources", () => {
  for (const dir of [installed, join(project, "node_modules", "@ragbits", "core")]) {
    const dist = filesUnder(join(dir, "dist"));
    const leaks = dist.filter((file) => {
      const text = readFileSync(file, "utf8");
      return text.includes(workspaceRoot) || text.includes("node_modules/.pnpm") || text.includes("/work/");
    });
    expect(leaks.map((file) => relative(dir, file))).toEqual([]);
    // Every script has its map, and every map embeds each source it names (src/ is not published).
    const scripts = dist.filter((file) => /\.(c?js)$/.test(file));
    expect(scripts.filter((file) => !existsSync(`${file}.map`)).map((file) => relative(dir, file))).toEqual([]);
    for (const file of dist.filter((name) => name.endsWith(".map"))) {
      const map = JSON.parse(readFileSync(file, "utf8")) as { sources: string[]; sourcesContent?: (string | null)[] };
      const where = relative(dir, file);
      expect([where, map.sources.filter((source) => !resolve(dirname(file), source).startsWith(`${dir}${sep}`))]).toEqual([where, []]);
      expect([where, map.sourcesContent?.length, map.sourcesContent?.filter((content) => typeof content !== "string").length]).toEqual([where, map.sources.length, 0]);
    }
  }
});

it("loads from ESM and CommonJS, and the client entry too", () => {
  writeFileSync(join(project, "esm.mjs"), `import { ChatInterface, RagbitsAPI } from "@ragbits/chat";\nimport { RagbitsChatClient } from "@ragbits/chat/client";\nconsole.log(JSON.stringify([typeof ChatInterface, typeof RagbitsAPI, typeof RagbitsChatClient]));`);
  expect(JSON.parse(run("node", ["esm.mjs"]))).toEqual(["function", "function", "function"]);
  writeFileSync(join(project, "cjs.cjs"), `const { ChatInterface, RagbitsAPI } = require("@ragbits/chat");\nconst { RagbitsChatClient } = require("@ragbits/chat/client");\nconsole.log(JSON.stringify([typeof ChatInterface, typeof RagbitsAPI, typeof RagbitsChatClient]));`);
  expect(JSON.parse(run("node", ["cjs.cjs"]))).toEqual(["function", "function", "function"]);
});

it("gives browsers a client entry that imports no Node built-in, directly or through a chunk", () => {
  const pending = [join(installed, "dist", "client", "index.js")];
  const seen = new Set<string>();
  const imported = new Set<string>();
  while (pending.length > 0) {
    const file = pending.pop()!;
    if (seen.has(file)) continue;
    seen.add(file);
    for (const [, specifier] of readFileSync(file, "utf8").matchAll(/(?:from|import)\s*["']([^"']+)["']/g)) {
      if (specifier!.startsWith(".")) pending.push(join(dirname(file), specifier!));
      else imported.add(specifier!);
    }
  }
  expect([...imported].sort()).toEqual(["@ragbits/core/redact", "eventsource-parser"]);
});

it("installs without tsx, esbuild or pino-pretty, and with the types its .d.ts files import", () => {
  const modules = join(project, "node_modules");
  expect(["tsx", "esbuild", "@esbuild", "pino-pretty"].filter((name) => existsSync(join(modules, name)))).toEqual([]);
  expect(existsSync(join(modules, "@types", "express", "package.json"))).toBe(true);
});

/** The public API as users write it, with explicit `undefined`s where values come from the environment. */
const API_USAGE = `import { createServer } from "node:http";
import express from "express";
import { z } from "zod";
import {
  ChatInterface, JsonlHistoryStore, ListAuthentication, RagbitsAPI, createUsageResponse,
  type ChatContext, type ChatResponse, type FeedbackType, type RagbitsAPIOptions, type RunOptions, type UploadedFile,
} from "@ragbits/chat";
import { RagbitsChatClient, type ChatResponse as ClientChatResponse } from "@ragbits/chat/client";
import { LLMError, LiteLLM, MockLLM, registerProvider, OpenAILLM, type ChatFormat, type LLMOptions } from "@ragbits/core";

type IsAny<T> = 0 extends 1 & T ? true : false;
const fromEnv = (name: string): string | undefined => process.env[name];
const temperature: number | undefined = fromEnv("TEMPERATURE") ? Number(fromEnv("TEMPERATURE")) : undefined;

registerProvider("groq/", (model, settings) => new OpenAILLM({ ...settings, modelName: model, baseUrl: "https://api.groq.com/openai/v1", apiKey: settings.apiKey ?? fromEnv("GROQ_API_KEY") }));

export class TutorialChat extends ChatInterface {
  llm = new LiteLLM({ modelName: "gpt-4o-mini", apiKey: fromEnv("OPENAI_API_KEY"), baseUrl: fromEnv("OPENAI_BASE_URL"), maxRetries: undefined, timeoutMs: undefined, defaultOptions: { temperature, maxTokens: undefined } });
  override async *chat(message: string, history: ChatFormat, context: ChatContext): AsyncGenerator<ChatResponse> {
    const options: LLMOptions = { temperature: undefined, topP: undefined, stop: undefined };
    const stream = this.llm.generateStreaming([...history, { role: "user", content: message }], { options: { temperature: undefined }, signal: context.signal, tools: undefined });
    for await (const chunk of stream) yield this.createTextResponse(chunk);
    yield await createUsageResponse(stream);
    const text: string = await this.llm.generate(message, { options, signal: undefined });
    yield this.createReference("Doc", text, undefined);
  }
}

export class FeaturesChat extends ChatInterface {
  override feedbackConfig = { like: { enabled: true }, dislike: { enabled: true, form: z.object({ reason: z.string() }) } };
  override uiCustomization = { header: { title: "Helpdesk" }, welcomeMessage: "**Hi!**", starterQuestions: ["Reset my password"] };
  override userSettings = { form: z.object({ language: z.enum(["en", "pl"]) }) };
  override conversationHistory = true;
  override showUsage = true;
  override historyPersistence = new JsonlHistoryStore({ path: "history.jsonl" });
  override uploadHandler = async (file: UploadedFile) => { console.log(file.filename, file.data.byteLength); };
  override summaryGenerator = (message: string) => message.slice(0, 40);
  override async saveFeedback(messageId: string, feedback: FeedbackType, payload: Record<string, unknown>) { console.log(messageId, feedback, payload); }
  override async *chat(message: string, _history: ChatFormat, context: ChatContext): AsyncGenerator<ChatResponse> {
    const mock = new MockLLM({ response: undefined, chunkDelayMs: undefined });
    try {
      yield this.createTextResponse(await mock.generate(message, { options: { temperature: undefined }, signal: context.signal }));
    } catch (error) {
      if (LLMError.isInstance(error)) yield this.createErrorResponse(error.message);
    }
  }
}

export async function main(): Promise<void> {
  const options: RagbitsAPIOptions = {
    corsOrigins: undefined, uiBuildDir: undefined, debugMode: undefined, themePath: undefined, bodyLimit: undefined,
    uploadLimitBytes: undefined, keepAliveMs: undefined, logger: undefined, sessionTtlMs: undefined, secureCookies: undefined,
    auth: new ListAuthentication([{ username: "ann", password: "correct horse" }]),
  };
  const api = new RagbitsAPI(FeaturesChat, options);
  const appIsAny: IsAny<typeof api.app> = false;
  const app = express();
  app.use(api.router());
  api.app.get("/health", (_request, response) => { response.json({ ok: true, appIsAny }); });
  const handler: (request: Request) => Promise<Response> = api.fetch;
  const GET = api.fetch;
  const nodeServer = createServer(api.handleNode);
  const port: number | undefined = fromEnv("PORT") ? Number(fromEnv("PORT")) : undefined;
  const runOptions: RunOptions = { host: fromEnv("HOST"), port };
  const running = await new RagbitsAPI(TutorialChat).run(runOptions);
  console.log(running.url, handler, GET, nodeServer);
  await running.close();

  const client = new RagbitsChatClient({ baseUrl: "http://127.0.0.1:8000" });
  const conversation = client.newConversation();
  for await (const response of conversation.runStreaming("Hello!", { signal: undefined })) {
    const same: ClientChatResponse = response;
    if (same.type === "text") process.stdout.write(same.content.text);
  }
  const { text } = await conversation.run("And again");
  console.log(text);
}
`;

it("type-checks the public API and the READMEs' example files with strict settings and skipLibCheck off, as ESM and as CommonJS", () => {
  const types = join(project, "types");
  const write = (path: string, text: string) => {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, text);
  };
  // types/esm is an ES module package; types/cjs inherits the project's "type": "commonjs".
  write(join(types, "esm", "package.json"), JSON.stringify({ type: "module" }));
  for (const format of ["esm", "cjs"]) write(join(types, format, "api.ts"), API_USAGE);
  const readmes = { root: join(workspaceRoot, "README.md"), chat: join(packageDir, "README.md"), core: join(coreDir, "README.md") };
  let snippetCount = 0;
  for (const [name, readme] of Object.entries(readmes)) {
    for (const snippet of readmeSnippets(readme)) {
      snippetCount += 1;
      // A .mts file is an ES module wherever it is; a .ts file is checked in both kinds of project.
      const formats = snippet.fileName.endsWith(".mts") ? ["esm"] : snippet.fileName.endsWith(".cts") ? ["cjs"] : ["esm", "cjs"];
      for (const format of formats) write(join(types, format, `readme-${name}`, snippet.fileName), `// ${readme}:${snippet.line}\n${snippet.code}`);
    }
  }
  expect(snippetCount).toBeGreaterThanOrEqual(8);
  write(
    join(project, "tsconfig.json"),
    JSON.stringify({
      compilerOptions: {
        strict: true,
        exactOptionalPropertyTypes: true,
        noUncheckedIndexedAccess: true,
        noUnusedLocals: true,
        skipLibCheck: false,
        module: "nodenext",
        moduleResolution: "nodenext",
        target: "es2022",
        lib: ["es2023"],
        noEmit: true,
      },
      include: ["types/**/*.ts", "types/**/*.mts", "types/**/*.cts"],
    }),
  );
  const result = spawnSync(process.execPath, [tsc, "-p", "tsconfig.json", "--pretty", "false"], { cwd: project, encoding: "utf8", env: userEnv() });
  const errors = result.stdout.split("\n").filter((line) => /error TS\d+/.test(line));
  // A README fragment may declare a value only to show it; the tutorial (main.ts) and the API file may not.
  const unusedInFragment = (line: string) => /^types\/(esm|cjs)\/readme-\w+\/(?!main\.ts)/.test(line) && /error TS(6133|6196|6198):/.test(line);
  expect(errors.filter((line) => !unusedInFragment(line))).toEqual([]);
  expect(result.status === 0 || errors.length > 0).toBe(true);
});

it("runs a compiled .js chat without tsx, and says how to install tsx when given a .ts file", async () => {
  writeFileSync(
    join(project, "chat.js"),
    `const { ChatInterface } = require("@ragbits/chat");
const { MockLLM } = require("@ragbits/core");
class Chat extends ChatInterface {
  llm = new MockLLM();
  async *chat(message, history) {
    for await (const chunk of this.llm.generateStreaming([...history, { role: "user", content: message }])) yield this.createTextResponse(chunk);
  }
}
module.exports = { Chat };
`,
  );
  // Asked for readable logs without pino-pretty: JSON lines, and one notice that says what to install.
  const server = await startCli(["chat.js:Chat"], { RAGBITS_LOG_FORMAT: "pretty" });
  expect(await chatOnce(server.url, "compiled and served")).toContain('{"type":"text","content":{"text":"served"}}');
  expect(server.output()).toContain("pino-pretty is not installed");
  expect(server.output()).toContain("npm install --save-dev pino-pretty");
  expect(server.output()).toMatch(/^\{"level":\d+,/m);
  await stop(server.child);

  writeFileSync(join(project, "typed.ts"), `import { ChatInterface } from "@ragbits/chat";\nexport class Chat extends ChatInterface {\n  async *chat(message: string) { yield this.createTextResponse(message); }\n}\n`);
  const refused = spawnSync(join(project, "node_modules", ".bin", "ragbits"), ["api", "run", "typed.ts:Chat", "--port", "0"], { cwd: project, encoding: "utf8", timeout: 30_000, env: userEnv() });
  expect(refused.status).not.toBe(0);
  expect(refused.stderr).toContain(`${join(project, "typed.ts")} is TypeScript, and running it directly needs tsx, which is not installed`);
  expect(refused.stderr).toContain("npm install --save-dev tsx");
  // One readable message, no stack trace.
  expect(refused.stderr).not.toMatch(/^\s+at /m);
});

describe("with the optional peers and the provider SDK installed, as the README says", () => {
  beforeAll(() => {
    run("npm", ["install", "openai@6.49.0", "tsx@^4.10.0", "pino-pretty@^13.0.0"]);
  });

  it("serves a .ts chat with `npx ragbits api run`", async () => {
    writeFileSync(
      join(project, "mock-chat.ts"),
      `import { ChatInterface, type ChatContext, type ChatResponse } from "@ragbits/chat";
import { MockLLM, type ChatFormat } from "@ragbits/core";
export class Chat extends ChatInterface {
  llm = new MockLLM();
  async *chat(message: string, history: ChatFormat, _context: ChatContext): AsyncGenerator<ChatResponse> {
    for await (const chunk of this.llm.generateStreaming([...history, { role: "user", content: message }])) yield this.createTextResponse(chunk);
  }
}
`,
    );
    const { url, child } = await startCli(["mock-chat.ts:Chat"]);
    expect((await (await fetch(`${url}/api/config`)).json()).debug_mode).toBe(false);
    // The installed package serves its own UI build, not the "UI is not built" fallback page.
    const page = await (await fetch(`${url}/`)).text();
    expect(page.replace(/<base href="[^"]*">/, "")).toBe(readFileSync(join(installed, "ui-build", "index.html"), "utf8"));
    expect(page).not.toContain("The web UI is not built");
    expect(await chatOnce(url, "packed and served")).toContain('{"type":"text","content":{"text":"served"}}');
    await stop(child);
  });

  it("serves the README's tutorial main.ts as written, streaming from an OpenAI-compatible upstream, with readable logs", async () => {
    const tutorial = readmeSnippets(join(workspaceRoot, "README.md")).find((snippet) => snippet.fileName === "main.ts");
    expect(tutorial?.code).toContain("export class SimpleStreamingChat extends ChatInterface");
    writeFileSync(join(project, "main.ts"), tutorial!.code);
    const upstream = await OpenAIMockServer.start();
    try {
      upstream.enqueue({ text: ["Hello ", "from ", "the tutorial"] });
      const server = await startCli(["main.ts:SimpleStreamingChat"], { OPENAI_API_KEY: "sk-packaging-test", OPENAI_BASE_URL: upstream.url, RAGBITS_LOG_FORMAT: "pretty" });
      const raw = await chatOnce(server.url, "Hi");
      for (const text of ["Hello ", "from ", "the tutorial"]) expect(raw).toContain(JSON.stringify({ type: "text", content: { text } }));
      expect(upstream.requests).toHaveLength(1);
      // pino-pretty's lines, not JSON ones.
      expect(server.output()).not.toContain("pino-pretty is not installed");
      expect(server.output()).not.toMatch(/^\{"level":/m);
      await stop(server.child);
    } finally {
      await upstream.close();
    }
  });
});
