import { mkdirSync } from "node:fs";
import { fileURLToPath } from "node:url";

/** Progress lines; the bench prints them as it goes so a long run never looks hung. */
export type Log = (line: string) => void;

/** bench/ (dist/ lives one level below it). */
export const BENCH_DIR = fileURLToPath(new URL("..", import.meta.url));
export const PROFILES_DIR = fileURLToPath(new URL("../profiles/", import.meta.url));

/**
 * Node flags that write a CPU profile of the process when it exits (SIGTERM is a normal exit for
 * Node only with a handler; bench workers exit through `process.exit` on disconnect, which writes it).
 */
export function profileFlags(name: string): string[] {
  ensureProfilesDir();
  return ["--cpu-prof", `--cpu-prof-dir=${PROFILES_DIR}`, `--cpu-prof-name=${name}-${Date.now()}.cpuprofile`, "--cpu-prof-interval=200"];
}

export function ensureProfilesDir(): string {
  mkdirSync(PROFILES_DIR, { recursive: true });
  return PROFILES_DIR;
}
