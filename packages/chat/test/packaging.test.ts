/**
 * @ragbits/chat as a user installs it: both packages packed, installed in an empty project outside the
 * workspace, then used from ESM, CommonJS, the client entry and the `ragbits` bin on a .ts file.
 */
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

jest.setTimeout(240_000);

const packageDir = join(__dirname, "..");
const coreDir = join(packageDir, "..", "core");
let project: string;
let child: ChildProcess | undefined;

function run(command: string, args: string[], cwd = project): string {
  const result = spawnSync(command, args, { cwd, encoding: "utf8", env: { ...process.env, npm_config_audit: "false", npm_config_fund: "false", npm_config_update_notifier: "false" } });
  if (result.status !== 0) throw new Error(`${command} ${args.join(" ")} failed (${result.status}):\n${result.stdout}\n${result.stderr}`);
  return result.stdout;
}

beforeAll(() => {
  for (const dir of [packageDir, coreDir]) if (!existsSync(join(dir, "dist", "index.js"))) throw new Error(`${dir}/dist is missing: run \`pnpm build\` first`);
  project = mkdtempSync(join(tmpdir(), "ragbits-chat-consumer-"));
  run("pnpm", ["pack", "--pack-destination", project], coreDir);
  run("pnpm", ["pack", "--pack-destination", project], packageDir);
  const tarballs = readdirSync(project).filter((file) => file.endsWith(".tgz"));
  writeFileSync(join(project, "package.json"), JSON.stringify({ name: "consumer", version: "1.0.0", private: true, type: "module" }));
  run("npm", ["install", "--no-save", ...tarballs.map((file) => `./${file}`)]);
});

afterAll(() => {
  child?.kill("SIGKILL");
  if (project) rmSync(project, { recursive: true, force: true });
});

it("ships its bin and both entry points", () => {
  const installed = join(project, "node_modules", "@ragbits", "chat");
  expect(existsSync(join(installed, "dist", "cli.js"))).toBe(true);
  expect(existsSync(join(installed, "dist", "client", "index.js"))).toBe(true);
  expect(existsSync(join(project, "node_modules", ".bin", "ragbits"))).toBe(true);
});

it("ships the web UI build: in the tarball, installed, and complete", () => {
  // `pnpm build` builds the UI first (turbo) and copies it into ui-build/: a missing build is a failure here.
  const builtIndex = join(packageDir, "ui-build", "index.html");
  expect(existsSync(builtIndex)).toBe(true);
  const chatTarball = readdirSync(project).find((file) => file.startsWith("ragbits-chat-") && file.endsWith(".tgz"));
  expect(run("tar", ["-tzf", chatTarball!]).split("\n")).toContain("package/ui-build/index.html");
  const installedUi = join(project, "node_modules", "@ragbits", "chat", "ui-build");
  const html = readFileSync(join(installedUi, "index.html"), "utf8");
  expect(html).toBe(readFileSync(builtIndex, "utf8"));
  // Every script, stylesheet and icon the page loads is in the package as well.
  const assets = [...html.matchAll(/(?:src|href)="\.\/([^"]+)"/g)].map((match) => match[1]!);
  expect(assets.filter((asset) => asset.endsWith(".js"))).not.toHaveLength(0);
  expect(assets.filter((asset) => !existsSync(join(installedUi, asset)))).toEqual([]);
});

it("loads from ESM and CommonJS, and the client entry too", () => {
  writeFileSync(join(project, "esm.mjs"), `import { ChatInterface, RagbitsAPI } from "@ragbits/chat";\nimport { RagbitsChatClient } from "@ragbits/chat/client";\nconsole.log(JSON.stringify([typeof ChatInterface, typeof RagbitsAPI, typeof RagbitsChatClient]));`);
  expect(JSON.parse(run("node", ["esm.mjs"]))).toEqual(["function", "function", "function"]);
  writeFileSync(join(project, "cjs.cjs"), `const { ChatInterface, RagbitsAPI } = require("@ragbits/chat");\nconst { RagbitsChatClient } = require("@ragbits/chat/client");\nconsole.log(JSON.stringify([typeof ChatInterface, typeof RagbitsAPI, typeof RagbitsChatClient]));`);
  expect(JSON.parse(run("node", ["cjs.cjs"]))).toEqual(["function", "function", "function"]);
});

it("serves a .ts chat with `npx ragbits api run`", async () => {
  writeFileSync(
    join(project, "main.ts"),
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
  child = spawn(join(project, "node_modules", ".bin", "ragbits"), ["api", "run", "main.ts:Chat", "--port", "0"], { cwd: project, env: { ...process.env, RAGBITS_SECRET_KEY: "packaging-test" } });
  const url = await new Promise<string>((resolve, reject) => {
    let output = "";
    const timer = setTimeout(() => reject(new Error(`no URL printed within 30 s:\n${output}`)), 30_000);
    const onData = (data: Buffer) => {
      output += data.toString();
      const match = /running at (http:\/\/\S+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]!);
      }
    };
    child!.stdout!.on("data", onData);
    child!.stderr!.on("data", onData);
  });
  expect((await (await fetch(`${url}/api/config`)).json()).debug_mode).toBe(false);
  // The installed package serves its own UI build, not the "UI is not built" fallback page.
  const page = await (await fetch(`${url}/`)).text();
  expect(page.replace(/<base href="[^"]*">/, "")).toBe(readFileSync(join(project, "node_modules", "@ragbits", "chat", "ui-build", "index.html"), "utf8"));
  expect(page).not.toContain("The web UI is not built");
  const raw = await (await fetch(`${url}/api/chat`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ message: "packed and served" }) })).text();
  expect(raw).toContain('{"type":"text","content":{"text":"served"}}');
});
