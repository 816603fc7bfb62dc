/**
 * Spawning the built `ragbits` CLI the way a user runs it, and taking it down again.
 *
 * Every process is started in its own process group (`detached`), so `stopAll()` can end the whole
 * tree, including the server child that `--reload` spawns. Every wait is bounded and its failure
 * message carries what the process printed, so a failed CI run says why.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { join } from "node:path";

export const CLI = join(__dirname, "..", "..", "dist", "cli.js");

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface CliProcess {
  readonly child: ChildProcess;
  readonly pid: number;
  stdout: string;
  stderr: string;
  /** Set once the process has exited. */
  exit: Exit | undefined;
  readonly exited: Promise<Exit>;
}

// Every process spawned here, until stopAll() has ended its whole group.
const spawned = new Set<CliProcess>();

/** `node dist/cli.js <args>` in `cwd`, as `npx ragbits <args>` would run it. */
export function spawnCli(args: string[], cwd: string, env: NodeJS.ProcessEnv = {}): CliProcess {
  return spawnNode([CLI, ...args], cwd, env);
}

export function spawnNode(args: string[], cwd: string, env: NodeJS.ProcessEnv = {}): CliProcess {
  const child = spawn(process.execPath, args, {
    cwd,
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, RAGBITS_SECRET_KEY: "cli-test-secret", FORCE_COLOR: "0", NO_COLOR: "1", ...env },
  });
  if (child.pid === undefined) throw new Error(`could not spawn node ${args.join(" ")}`);
  const proc: CliProcess = {
    child,
    pid: child.pid,
    stdout: "",
    stderr: "",
    exit: undefined,
    exited: new Promise<Exit>((resolve) => {
      child.once("exit", (code, signal) => {
        proc.exit = { code, signal };
        resolve(proc.exit);
      });
    }),
  };
  child.stdout!.setEncoding("utf8").on("data", (text: string) => (proc.stdout += text));
  child.stderr!.setEncoding("utf8").on("data", (text: string) => (proc.stderr += text));
  spawned.add(proc);
  return proc;
}

function transcript(proc: CliProcess): string {
  return `\n--- stdout ---\n${proc.stdout}\n--- stderr ---\n${proc.stderr}\n--- exit: ${JSON.stringify(proc.exit ?? null)}`;
}

/**
 * Resolves with the first non-undefined value `probe` returns for the process's output; rejects when
 * the process exits first or after `timeoutMs`.
 */
export function waitForOutput<T>(proc: CliProcess, probe: (stdout: string, stderr: string) => T | undefined, what: string, timeoutMs = 30_000): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const cleanup = () => {
      clearTimeout(timer);
      proc.child.stdout!.off("data", check);
      proc.child.stderr!.off("data", check);
      proc.child.off("exit", onExit);
    };
    // Runs after the collecting listeners (registered first), so the output is up to date.
    const check = () => {
      const found = probe(proc.stdout, proc.stderr);
      if (found === undefined) return;
      cleanup();
      resolve(found);
    };
    const onExit = () => {
      // Output may still be in the pipes when "exit" fires; give it a turn before judging.
      setImmediate(() => {
        const found = probe(proc.stdout, proc.stderr);
        cleanup();
        if (found !== undefined) resolve(found);
        else reject(new Error(`process exited before ${what}${transcript(proc)}`));
      });
    };
    const timer = setTimeout(() => {
      cleanup();
      reject(new Error(`no ${what} within ${timeoutMs} ms${transcript(proc)}`));
    }, timeoutMs);
    proc.child.stdout!.on("data", check);
    proc.child.stderr!.on("data", check);
    proc.child.on("exit", onExit);
    if (proc.exit) onExit();
    else check();
  });
}

const RUNNING_AT = /Ragbits chat is running at (http:\/\/\S+)/g;

/** Every URL the CLI announced so far (one per start; `--reload` announces again after each restart). */
export function announcedUrls(stdout: string): string[] {
  return [...stdout.matchAll(RUNNING_AT)].map((match) => match[1]!);
}

/** Waits for the `n`-th "Ragbits chat is running at <url>" line and returns that URL. */
export function waitForUrl(proc: CliProcess, n = 1, timeoutMs = 30_000): Promise<string> {
  return waitForOutput(proc, (stdout) => announcedUrls(stdout)[n - 1], `"Ragbits chat is running at <url>" line #${n}`, timeoutMs);
}

/** Waits for the process to exit (all its output read). */
export async function waitForExit(proc: CliProcess, timeoutMs = 30_000): Promise<Exit & { stdout: string; stderr: string }> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`process did not exit within ${timeoutMs} ms${transcript(proc)}`)), timeoutMs);
  });
  try {
    const exit = await Promise.race([proc.exited, timeout]);
    await Promise.all([streamEnd(proc.child.stdout), streamEnd(proc.child.stderr)]);
    return { ...exit, stdout: proc.stdout, stderr: proc.stderr };
  } finally {
    clearTimeout(timer);
  }
}

function streamEnd(stream: NodeJS.ReadableStream | null): Promise<void> {
  if (!stream || (stream as unknown as { readableEnded: boolean }).readableEnded) return Promise.resolve();
  return new Promise((resolve) => {
    stream.once("end", resolve);
    stream.once("close", resolve);
  });
}

function killGroup(proc: CliProcess, signal: NodeJS.Signals): void {
  try {
    process.kill(-proc.pid, signal);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ESRCH") throw error;
  }
}

/** Ends a process and everything it spawned: SIGTERM to its group, SIGKILL after `graceMs`. */
export async function stopTree(proc: CliProcess, graceMs = 5_000): Promise<void> {
  if (!proc.exit) {
    killGroup(proc, "SIGTERM");
    let timer: NodeJS.Timeout | undefined;
    const exitedInTime = await Promise.race([proc.exited.then(() => true), new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), graceMs)))]);
    clearTimeout(timer);
    if (!exitedInTime) {
      killGroup(proc, "SIGKILL");
      await Promise.race([proc.exited, new Promise((resolve) => setTimeout(resolve, graceMs).unref())]);
    }
  }
  // Whatever is left of the group (a --reload child that outlived its parent) goes too.
  killGroup(proc, "SIGKILL");
}

/** Ends every process (tree) spawned by these helpers. For afterEach/afterAll: runs on failures too. */
export async function stopAll(): Promise<void> {
  const procs = [...spawned];
  spawned.clear();
  await Promise.all(procs.map((proc) => stopTree(proc)));
}
