#!/usr/bin/env node
// Prepares a fresh machine (Node 20 + npm, nothing else) for `npm start` and `npm test`:
// installs the pinned pnpm, the workspace's dependencies and builds the packages.
// With --for-tests it builds everything and also installs what the browser tests need (Debian's
// chromium) when it can. With --for-start it builds only what the example app needs (not the bench).
// With --dry-run it prints the commands instead of running them.
// It is idempotent and fast when everything is already in place.
import { execSync, spawnSync } from "node:child_process";
import { existsSync } from "node:fs";

const PNPM_VERSION = "12.4.2";
const forTests = process.argv.includes("--for-tests");
const forStart = process.argv.includes("--for-start");
const dryRun = process.argv.includes("--dry-run");
const env = { ...process.env, TURBO_TELEMETRY_DISABLED: "1", npm_config_nodedir: process.env.npm_config_nodedir ?? "/usr" };

function run(command, options = {}) {
  console.log(`$ ${command}`);
  if (dryRun) return;
  const result = spawnSync(command, { stdio: "inherit", shell: true, env, ...options });
  if (result.status !== 0) {
    console.error(`bootstrap: "${command}" failed with exit code ${result.status}`);
    process.exit(result.status ?? 1);
  }
}

function installedPnpmVersion() {
  try {
    return execSync("pnpm --version", { env, stdio: ["ignore", "pipe", "ignore"] }).toString().trim();
  } catch {
    return null;
  }
}

if (installedPnpmVersion() !== PNPM_VERSION) {
  run(`npm install -g --allow-scripts=pnpm pnpm@${PNPM_VERSION}`);
}

run(process.env.CI ? "pnpm install --frozen-lockfile" : "pnpm install");

if (forTests) ensureChromium();

// `npm start` needs the example and what it depends on (core, chat and the UI it serves), not the bench.
run(`pnpm turbo run build${forStart ? " --filter=@ragbits/example..." : ""} --output-logs=errors-only`);

function ensureChromium() {
  if (existsSync("/usr/bin/chromium") || process.env.RAGBITS_SKIP_CHROMIUM) return;
  const isRoot = typeof process.getuid === "function" && process.getuid() === 0;
  if (!isRoot || !existsSync("/usr/bin/apt-get")) {
    console.warn("bootstrap: /usr/bin/chromium is missing; install Debian's chromium package for the browser tests.");
    return;
  }
  run("apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null");
}
