#!/usr/bin/env node
// Prepares a fresh machine (Node 20 + npm, nothing else) for `npm start` and `npm test`:
// installs the pinned pnpm, the workspace's dependencies and builds the packages.
// With --for-tests it builds everything and also installs what the tests run for real when it can:
// Debian's chromium (browser tests), postgresql (database stores) and nginx (load-balancer tests),
// with one `apt-get update` for all of them. With --for-start it builds only what the example app needs (not the bench).
// With --dry-run it prints the commands instead of running them.
// It is idempotent and fast when everything is already in place.
import { execSync, spawnSync } from "node:child_process";
import { existsSync, readdirSync } from "node:fs";

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

if (forTests) ensureTestPackages();

// `npm start` needs the example and what it depends on (core, chat and the UI it serves), not the bench.
run(`pnpm turbo run build${forStart ? " --filter=@ragbits/example..." : ""} --output-logs=errors-only`);

/** The Debian packages the tests need that are not installed yet. */
function missingTestPackages() {
  const missing = [];
  if (!existsSync("/usr/bin/chromium") && !process.env.RAGBITS_SKIP_CHROMIUM) missing.push("chromium");
  // Any version: the tests use the newest /usr/lib/postgresql/<version>/bin.
  const pgRoot = "/usr/lib/postgresql";
  const hasPostgres = existsSync(pgRoot) && readdirSync(pgRoot).some((version) => existsSync(`${pgRoot}/${version}/bin/pg_ctl`));
  if (!hasPostgres) missing.push("postgresql");
  if (!existsSync("/usr/sbin/nginx")) missing.push("nginx");
  return missing;
}

function ensureTestPackages() {
  const missing = missingTestPackages();
  if (missing.length === 0) return;
  const isRoot = typeof process.getuid === "function" && process.getuid() === 0;
  if (!isRoot || !existsSync("/usr/bin/apt-get")) {
    console.warn(`bootstrap: missing ${missing.join(", ")}; install Debian's ${missing.join(" ")} package(s) for the tests that use them (they fail without).`);
    return;
  }
  // The packaged postgresql and nginx would start their services (a cluster on 5432, nginx on 80): the
  // tests start their own servers, so a policy-rc.d that refuses (exit 101) keeps them stopped. One
  // already in place (Docker images ship one) is left as it is.
  const policy = "/usr/sbin/policy-rc.d";
  const ownPolicy = !existsSync(policy);
  run(
    [
      "apt-get update -qq",
      ...(ownPolicy ? [`printf '%s\\n' '#!/bin/sh' 'exit 101' > ${policy}`, `chmod +x ${policy}`] : []),
      `DEBIAN_FRONTEND=noninteractive apt-get install -y -qq ${missing.join(" ")} >/dev/null`,
    ].join(" && ") + (ownPolicy ? `; status=$?; rm -f ${policy}; exit $status` : ""),
  );
}
