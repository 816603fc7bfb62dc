import { type ChildProcess, spawn } from "node:child_process";
import { type FSWatcher, readdirSync, watch } from "node:fs";
import { join } from "node:path";

/** Folders never watched: dependencies, VCS data and build output. */
const IGNORED_DIRS = new Set(["node_modules", ".git", "dist", "build", ".turbo", "coverage", "test-artifacts"]);
/** Only source changes restart: a history file or log written by the app must not. */
const SOURCE_FILE = /\.(?:[cm]?[jt]sx?|json)$/;

/**
 * `--reload`: runs the server in a child process and restarts it when a source file under `directory`
 * changes. Dependencies and build folders are not watched at all (a recursive watch would place an
 * inotify watch on every file of node_modules). Signals are passed on to the child.
 */
export function runWithReload(args: string[], directory: string): void {
  let child: ChildProcess | undefined;
  let restartTimer: NodeJS.Timeout | undefined;
  let restarting = false;
  let stopping = false;

  const start = () => {
    restarting = false;
    const current = spawn(process.execPath, [...process.execArgv, process.argv[1]!, ...args], { stdio: "inherit", env: process.env });
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

  const onChange = (file: string | null) => {
    if (file && !SOURCE_FILE.test(file)) return;
    clearTimeout(restartTimer);
    restartTimer = setTimeout(restart, 150);
  };
  const watchers = watchSources(directory, onChange);

  const stop = (signal: NodeJS.Signals) => {
    stopping = true;
    for (const watcher of watchers) watcher.close();
    clearTimeout(restartTimer);
    if (child && child.exitCode === null) {
      child.once("exit", () => process.exit(0));
      child.kill(signal);
    } else process.exit(0);
  };
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
  start();
}

/** The directory itself (shallow) and each of its subfolders (deep), except the ignored ones. */
function watchSources(directory: string, onChange: (file: string | null) => void): FSWatcher[] {
  const watchers = [watch(directory, (_event, file) => onChange(file))];
  for (const entry of readdirSync(directory, { withFileTypes: true })) {
    if (!entry.isDirectory() || IGNORED_DIRS.has(entry.name) || entry.name.startsWith(".")) continue;
    watchers.push(watch(join(directory, entry.name), { recursive: true }, (_event, file) => onChange(file)));
  }
  return watchers;
}
