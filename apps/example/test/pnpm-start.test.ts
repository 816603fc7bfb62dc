/**
 * `pnpm start` on a fresh machine (no provider key): the start script's command, `tsx src/server.ts`,
 * run as a real process. It prints one clear "No API key" line, announces its URL in its log, and
 * serves a working offline chat whose UI header says it is an offline demo.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { PROVIDER_ENV, chatTurn, getJson, textOf } from "./helpers";

const appDir = join(__dirname, "..");

let child: ChildProcess | undefined;
let stdout = "";
let stderr = "";

afterEach(async () => {
  if (!child) return;
  const proc = child;
  child = undefined;
  if (proc.exitCode === null && proc.signalCode === null) {
    const exited = new Promise((resolve) => proc.once("exit", resolve));
    // tsx runs the app in a child process: the whole group goes.
    killGroup(proc, "SIGTERM");
    const timer = setTimeout(() => killGroup(proc, "SIGKILL"), 5_000);
    await exited;
    clearTimeout(timer);
  }
  killGroup(proc, "SIGKILL");
});

function killGroup(proc: ChildProcess, signal: NodeJS.Signals): void {
  try {
    process.kill(-proc.pid!, signal);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ESRCH") throw error;
  }
}

/** Resolves with the first `"url"` the server logs (pino JSON line); rejects on exit or after `timeoutMs`. */
function waitForLoggedUrl(proc: ChildProcess, timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const find = () => {
      for (const line of stdout.split("\n")) {
        if (!line.startsWith("{")) continue;
        try {
          const record = JSON.parse(line) as { url?: unknown };
          if (typeof record.url === "string") return record.url;
        } catch {
          // A partial line: wait for the rest.
        }
      }
      return undefined;
    };
    const done = (error?: Error, url?: string) => {
      clearTimeout(timer);
      proc.stdout!.off("data", onData);
      proc.off("exit", onExit);
      if (error) reject(error);
      else resolve(url!);
    };
    const onData = () => {
      const url = find();
      if (url) done(undefined, url);
    };
    const onExit = (code: number | null, signal: string | null) => done(new Error(`server exited (${signal ?? code}) before logging its URL\n${stdout}\n${stderr}`));
    const timer = setTimeout(() => done(new Error(`no URL logged within ${timeoutMs} ms\n${stdout}\n${stderr}`)), timeoutMs);
    proc.stdout!.on("data", onData);
    proc.on("exit", onExit);
    onData();
  });
}

it("starts with `pnpm start`'s command, says once that there is no API key, and serves the offline demo", async () => {
  const manifest = JSON.parse(readFileSync(join(appDir, "package.json"), "utf8")) as { scripts: Record<string, string> };
  expect(manifest.scripts.start).toBe("tsx src/server.ts");

  const env: NodeJS.ProcessEnv = { ...process.env, HOST: "127.0.0.1", PORT: "0", NO_COLOR: "1" };
  for (const key of [...PROVIDER_ENV, "RAGBITS_LOG_LEVEL", "RAGBITS_SECRET_KEY"]) delete env[key];
  // Exactly what the `tsx` bin runs: its CLI with the script, in the app's folder.
  const tsxCli = require.resolve("tsx/cli", { paths: [appDir] });
  child = spawn(process.execPath, [tsxCli, "src/server.ts"], { cwd: appDir, env, detached: true, stdio: ["ignore", "pipe", "pipe"] });
  child.stdout!.setEncoding("utf8").on("data", (text: string) => (stdout += text));
  child.stderr!.setEncoding("utf8").on("data", (text: string) => (stderr += text));

  const url = await waitForLoggedUrl(child, 30_000);
  expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);

  const notices = stdout.split("\n").filter((line) => /no api key/i.test(line));
  // Said once: which model, which variable to set, and that the offline demo runs instead.
  expect(notices).toEqual([
    expect.stringMatching(/^\[example\] openai \(gpt-4o-mini\): no API key: set the OPENAI_API_KEY environment variable .*Running the offline MockLLM demo instead: restart once it is set \(or pick another model with RAGBITS_MODEL\)\.$/),
  ]);

  const config = await getJson(`${url}/api/config`);
  expect(config.customization.header.subtitle).toMatch(/^offline demo/);
  expect(config.conversation_history).toBe(true);

  const { events } = await chatTurn(url, { message: "hello" });
  expect(textOf(events)).toMatch(/^You said: \*\*hello\*\*/);
  expect(events.at(-1)!.type).toBe("usage");

  const home = await fetch(`${url}/`, { signal: AbortSignal.timeout(10_000) });
  expect(home.status).toBe(200);
  expect(home.headers.get("content-type")).toMatch(/^text\/html/);
  await home.arrayBuffer();
});
