import { type ChildProcess, spawn } from "node:child_process";
import { basename, relative, sep } from "node:path";
import { watch } from "chokidar";

/** Set in the server child's environment: the child then leaves the "Stopped." line to this process. */
export const RELOAD_CHILD_ENV = "RAGBITS_RELOAD_CHILD";

/** Folders never watched: dependencies, VCS data and build output (and every hidden folder). */
const IGNORED_DIRS = new Set(["node_modules", "dist", "build", "coverage", "test-artifacts"]);
/** Only source changes restart: a history file or log written by the app must not. */
const SOURCE_FILE = /\.(?:[cm]?[jt]sx?|json)$/;

/**
 * `--reload`: runs the server in a child process and restarts it when a source file under `directory`
 * changes (chokidar watches; dependencies and build folders are not even walked). A child that fails
 * — a syntax error, a port in use — is not restarted in a loop: the next change starts it again.
 * SIGINT and SIGTERM stop the child and then this process, with exit code 0.
 */
export function runWithReload(args: string[], directory: string): void {
  let child: ChildProcess | undefined;
  let restartTimer: NodeJS.Timeout | undefined;
  let restarting = false;
  let stopping = false;

  const start = () => {
    restarting = false;
    const current = spawn(process.execPath, [...process.execArgv, process.argv[1]!, ...args], { stdio: "inherit", env: { ...process.env, [RELOAD_CHILD_ENV]: "1" } });
    child = current;
    current.once("exit", (code, signal) => {
      if (!stopping && !restarting && child === current) process.stdout.write(`[ragbits] server exited (${signal ?? code}); waiting for a file change to restart\n`);
    });
  };

  const restart = () => {
    restartTimer = undefined;
    process.stdout.write("[ragbits] change detected, restarting\n");
    const previous = child;
    if (!previous || previous.exitCode !== null || previous.signalCode !== null) return start();
    restarting = true;
    previous.once("exit", start);
    previous.kill("SIGTERM");
  };

  const watcher = watch(directory, {
    ignoreInitial: true,
    ignored: (path, stats) => {
      const inside = relative(directory, path);
      if (inside.split(sep).some((part) => IGNORED_DIRS.has(part) || (part.startsWith(".") && part !== ".."))) return true;
      // Files that are not source are not watched at all (folders must be, to find the files in them).
      return stats?.isFile() === true && !SOURCE_FILE.test(basename(path));
    },
  });
  watcher.on("all", (_event, path) => {
    if (stopping || !SOURCE_FILE.test(basename(path))) return;
    clearTimeout(restartTimer);
    restartTimer = setTimeout(restart, 150);
  });
  watcher.on("error", (error) => process.stderr.write(`[ragbits] file watching failed: ${error instanceof Error ? error.message : String(error)}\n`));

  const stop = (signal: NodeJS.Signals) => {
    // Ctrl+C reaches the child too (same process group): one stop is under way, later signals add nothing.
    if (stopping) return;
    stopping = true;
    clearTimeout(restartTimer);
    void watcher.close();
    const stopped = () => {
      process.stdout.write("Stopped.\n");
      process.exit(0);
    };
    if (child && child.exitCode === null && child.signalCode === null) {
      child.once("exit", stopped);
      child.kill(signal);
    } else stopped();
  };
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
  start();
}
