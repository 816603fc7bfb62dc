import { type ChildProcess } from "node:child_process";

/**
 * Every process the bench starts, so none outlives it: on normal exit, on an uncaught error and on
 * Ctrl-C the survivors are killed by pid. (Forked workers also exit on their own when the IPC
 * channel to the bench closes; see serve-parent.ts.)
 */
const children = new Set<ChildProcess>();
let handlersInstalled = false;

export function trackChild(child: ChildProcess): ChildProcess {
  installExitHandlers();
  children.add(child);
  child.once("exit", () => children.delete(child));
  return child;
}

export function killAllChildren(): void {
  for (const child of children) {
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
  }
  children.clear();
}

function installExitHandlers(): void {
  if (handlersInstalled) return;
  handlersInstalled = true;
  process.once("exit", killAllChildren);
  for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) {
    process.once(signal, () => {
      killAllChildren();
      process.exit(signal === "SIGINT" ? 130 : 143);
    });
  }
}
