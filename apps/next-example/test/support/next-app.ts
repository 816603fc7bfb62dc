/**
 * Builds this app with `next build` and runs it with `next start` on a free loopback port, as a user
 * deploys it. The build goes to its own folder (.next-test) so it never touches a developer's .next.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { createServer } from "node:net";
import { dirname, join, resolve } from "node:path";

export const APP_DIR = resolve(__dirname, "../..");
const NEXT_BIN = require.resolve("next/dist/bin/next", { paths: [APP_DIR] });
const CHAT_UI_INDEX = join(dirname(require.resolve("@ragbits/chat/package.json", { paths: [APP_DIR] })), "ui-build", "index.html");

/** What the app's processes see: offline (no model configured), quiet, no telemetry, a fixed signing key. */
function appEnv(): NodeJS.ProcessEnv {
  // Jest sets NODE_ENV=test, which next must not build or run with; a model variable would leave offline mode.
  const { RAGBITS_MODEL: _model, ...inherited } = process.env;
  return { ...inherited, NODE_ENV: "production", NEXT_TELEMETRY_DISABLED: "1", NEXT_DIST_DIR: ".next-test", RAGBITS_SECRET_KEY: "next-example-test-secret", RAGBITS_LOG_LEVEL: "warn" };
}

/** Runs `next build`; rejects with the build's output when it fails. */
export async function buildNextApp(): Promise<void> {
  if (!existsSync(CHAT_UI_INDEX)) throw new Error(`No UI build at ${CHAT_UI_INDEX}: run \`pnpm --filter @ragbits/chat build\` first.`);
  const child = spawn(process.execPath, [NEXT_BIN, "build"], { cwd: APP_DIR, env: appEnv(), stdio: ["ignore", "pipe", "pipe"] });
  const output = collectOutput(child);
  const code = await new Promise<number | null>((resolveExit) => child.once("exit", resolveExit));
  if (code !== 0) throw new Error(`next build exited with ${code}:\n${output.text().slice(-4000)}`);
}

export interface RunningNextApp {
  url: string;
  /** Everything the server printed so far. */
  output(): string;
  /** Resolves with the first match of `pattern` in the server's output; rejects after `timeoutMs`. */
  waitForOutput(pattern: RegExp, timeoutMs?: number): Promise<RegExpMatchArray>;
  stop(): Promise<void>;
}

/** Runs `next start -p <free port> -H 127.0.0.1` on the last build and waits until the API answers. */
export async function startNextApp(): Promise<RunningNextApp> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const child = spawn(process.execPath, [NEXT_BIN, "start", "-p", String(port), "-H", "127.0.0.1"], { cwd: APP_DIR, env: appEnv(), stdio: ["ignore", "pipe", "pipe"] });
  const output = collectOutput(child);
  let exited = false;
  const exit = new Promise<void>((resolveExit) =>
    child.once("exit", () => {
      exited = true;
      resolveExit();
    }),
  );
  const stop = async () => {
    if (exited) return;
    child.kill("SIGTERM");
    const killer = setTimeout(() => child.kill("SIGKILL"), 10_000);
    await exit;
    clearTimeout(killer);
  };
  try {
    await waitUntilAnswering(`${url}/api/config`, () => exited, 60_000);
  } catch (error) {
    await stop();
    throw new Error(`${(error as Error).message}\nnext start printed:\n${output.text().slice(-4000)}`, { cause: error });
  }
  return {
    url,
    output: () => output.text(),
    waitForOutput: async (pattern, timeoutMs = 5_000) => {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const match = output.text().match(pattern);
        if (match) return match;
        if (Date.now() > deadline) throw new Error(`The server did not print ${pattern} within ${timeoutMs} ms; it printed:\n${output.text().slice(-2000)}`);
        await sleep(25);
      }
    },
    stop,
  };
}

function collectOutput(child: ChildProcess): { text(): string } {
  const chunks: string[] = [];
  child.stdout?.setEncoding("utf8").on("data", (chunk: string) => chunks.push(chunk));
  child.stderr?.setEncoding("utf8").on("data", (chunk: string) => chunks.push(chunk));
  return { text: () => chunks.join("") };
}

async function waitUntilAnswering(url: string, hasExited: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (hasExited()) throw new Error("next start exited before it answered");
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(2_000) });
      await response.body?.cancel();
      if (response.status === 200) return;
    } catch {
      // Not listening yet.
    }
    await sleep(100);
  }
  throw new Error(`next start did not answer ${url} within ${timeoutMs} ms`);
}

/** A port nothing listens on right now (the OS picks it). */
function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => (typeof address === "object" && address ? resolvePort(address.port) : reject(new Error("no port"))));
    });
  });
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolveSleep) => setTimeout(resolveSleep, ms));
}
