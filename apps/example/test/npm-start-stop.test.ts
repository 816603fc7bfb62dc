/**
 * Stopping `npm start` looks like stopping: Ctrl+C (SIGINT to the whole process group, as a terminal
 * sends it) closes the server, prints one "Stopped." line and every process up the chain — npm
 * included — exits 0, with no ELIFECYCLE or "failed" report. A process manager's SIGTERM to the server
 * alone does the same. `npm start` prepares the machine first by building only what the example needs.
 */
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PROVIDER_ENV, getJson } from "./helpers";

jest.setTimeout(60_000);

const root = join(__dirname, "..", "..", "..");
const BOOTSTRAP = "node scripts/bootstrap.mjs --for-start";
const startScript = (JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as { scripts: Record<string, string> }).scripts.start!;

interface Run {
  child: ChildProcess;
  stdout: string;
  stderr: string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

const runs: Run[] = [];

afterEach(() => {
  // Whatever is left of a failed test's process group goes.
  for (const run of runs.splice(0)) {
    try {
      process.kill(-run.child.pid!, "SIGKILL");
    } catch {
      // Already gone.
    }
  }
});

function start(command: string, args: string[], cwd: string): Run {
  const env: NodeJS.ProcessEnv = { ...process.env, HOST: "127.0.0.1", PORT: "0", NO_COLOR: "1", RAGBITS_SECRET_KEY: "stop-test", npm_config_update_notifier: "false" };
  for (const key of PROVIDER_ENV) delete env[key];
  // Its own process group, like a terminal's foreground job, so Ctrl+C can be sent to all of it.
  const child = spawn(command, args, { cwd, env, detached: true, stdio: ["ignore", "pipe", "pipe"] });
  const run: Run = {
    child,
    stdout: "",
    stderr: "",
    exited: new Promise((resolve) => child.once("close", (code, signal) => resolve({ code, signal }))),
  };
  child.stdout!.setEncoding("utf8").on("data", (text: string) => (run.stdout += text));
  child.stderr!.setEncoding("utf8").on("data", (text: string) => (run.stderr += text));
  runs.push(run);
  return run;
}

/** The URL in the server's "running" log line (pino JSON). */
async function loggedUrl(run: Run, timeoutMs = 30_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const match = /"url":"(http:\/\/127\.0\.0\.1:\d+)"/.exec(run.stdout);
    if (match) return match[1]!;
    if (run.child.exitCode !== null) break;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`no URL logged\n--- stdout ---\n${run.stdout}\n--- stderr ---\n${run.stderr}`);
}

async function exitWithin(run: Run, timeoutMs: number): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`did not exit within ${timeoutMs} ms\n--- stdout ---\n${run.stdout}\n--- stderr ---\n${run.stderr}`)), timeoutMs);
  });
  try {
    return await Promise.race([run.exited, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

it("`npm start` prepares the machine, then runs the server as the script's last process (no shell or pnpm layer in between)", () => {
  expect(startScript.startsWith(`${BOOTSTRAP} && `)).toBe(true);
  expect(startScript).toMatch(/&& exec node /);
});

it("`npm start` builds only what the example needs: core, chat and the UI, not the bench", () => {
  const dryRun = spawnSync(process.execPath, ["scripts/bootstrap.mjs", "--for-start", "--dry-run"], { cwd: root, encoding: "utf8" });
  expect(dryRun.status).toBe(0);
  const build = dryRun.stdout.split("\n").find((line) => line.includes("turbo run build"));
  expect(build).toBe("$ pnpm turbo run build --filter=@ragbits/example... --output-logs=errors-only");
  // What turbo makes of that filter (a dry run plans the tasks without running them).
  const plan = spawnSync("pnpm", ["turbo", "run", "build", "--filter=@ragbits/example...", "--dry=json"], { cwd: root, encoding: "utf8", env: { ...process.env, TURBO_TELEMETRY_DISABLED: "1" } });
  expect(plan.status).toBe(0);
  const packages = (JSON.parse(plan.stdout) as { tasks: Array<{ package: string }> }).tasks.map((task) => task.package).sort();
  expect(packages).toEqual(["@ragbits/chat", "@ragbits/core", "@ragbits/example", "@ragbits/ui"]);
});

it("Ctrl+C on `npm start` closes the server, prints one Stopped. line, and npm exits 0 without a failure report", async () => {
  // `npm start` itself, with the (slow, machine-changing) bootstrap step left out: a project whose
  // start script is the rest of the real one, with apps/ where the real one expects it.
  const project = mkdtempSync(join(tmpdir(), "ragbits-npm-start-"));
  try {
    symlinkSync(join(root, "apps"), join(project, "apps"), "dir");
    writeFileSync(join(project, "package.json"), JSON.stringify({ name: "npm-start-stop", private: true, scripts: { start: startScript.replace(BOOTSTRAP, "node -e 0") } }));
    const run = start("npm", ["start"], project);
    const url = await loggedUrl(run);
    expect((await getJson(`${url}/api/config`)).conversation_history).toBe(true);

    process.kill(-run.child.pid!, "SIGINT");
    expect(await exitWithin(run, 20_000)).toEqual({ code: 0, signal: null });
    expect(run.stdout.match(/^Stopped\.$/gm)).toHaveLength(1);
    expect(`${run.stdout}${run.stderr}`).not.toMatch(/ELIFECYCLE|failed|ERR!/i);
    await expect(fetch(`${url}/api/config`, { signal: AbortSignal.timeout(5_000) })).rejects.toThrow();
  } finally {
    rmSync(project, { recursive: true, force: true });
  }
});

it("SIGTERM to the server process (a process manager) closes it gracefully and exits 0", async () => {
  const run = start(process.execPath, ["--import", "tsx", "src/server.ts"], join(root, "apps", "example"));
  const url = await loggedUrl(run);
  run.child.kill("SIGTERM");
  expect(await exitWithin(run, 20_000)).toEqual({ code: 0, signal: null });
  expect(run.stdout.match(/^Stopped\.$/gm)).toHaveLength(1);
  expect(run.stderr).toBe("");
  await expect(fetch(`${url}/api/config`, { signal: AbortSignal.timeout(5_000) })).rejects.toThrow();
});
