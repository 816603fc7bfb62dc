#!/usr/bin/env node
// Runs every workspace package's tests through Turborepo, then sums the Jest results each package
// wrote to .jest-results.json and prints the closing line CI reads: "N passed, N failed".
// Fails when a test failed, when a package's results are missing, or when no test ran at all.
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { join } from "node:path";

const root = new URL("..", import.meta.url).pathname;
const RESULTS_FILE = ".jest-results.json";

function workspacePackagesWithTests() {
  const dirs = [];
  for (const group of ["packages", "apps"]) {
    const groupDir = join(root, group);
    if (!existsSync(groupDir)) continue;
    for (const name of readdirSync(groupDir)) {
      const manifestPath = join(groupDir, name, "package.json");
      if (!existsSync(manifestPath)) continue;
      const manifest = JSON.parse(readFileSync(manifestPath, "utf8"));
      if (manifest.scripts?.test) dirs.push({ dir: join(groupDir, name), name: manifest.name });
    }
  }
  return dirs;
}

const packages = workspacePackagesWithTests();
for (const { dir } of packages) rmSync(join(dir, RESULTS_FILE), { force: true });

const turbo = spawnSync("pnpm", ["turbo", "run", "lint", "typecheck", "test", "--continue", "--concurrency=1", ...process.argv.slice(2)], {
  stdio: "inherit",
  env: { ...process.env, TURBO_TELEMETRY_DISABLED: "1" },
});

let passed = 0;
let failed = 0;
let skipped = 0;
const problems = [];
for (const { dir, name } of packages) {
  const file = join(dir, RESULTS_FILE);
  if (!existsSync(file)) {
    problems.push(`${name}: no test results were written (the test run crashed or did not start)`);
    continue;
  }
  const result = JSON.parse(readFileSync(file, "utf8"));
  passed += result.numPassedTests;
  failed += result.numFailedTests;
  skipped += result.numPendingTests + (result.numTodoTests ?? 0);
  if (result.numRuntimeErrorTestSuites > 0) {
    problems.push(`${name}: ${result.numRuntimeErrorTestSuites} test file(s) failed to run`);
  }
  console.log(`  ${name}: ${result.numPassedTests} passed, ${result.numFailedTests} failed`);
}

for (const problem of problems) console.error(`run-tests: ${problem}`);
if (turbo.status !== 0 && failed === 0 && problems.length === 0) problems.push(`turbo exited with ${turbo.status}`);
if (passed + failed === 0) problems.push("no test ran");

// A package that could not report (or a lint/typecheck failure) counts as a failure, so the closing
// line can never read "0 failed" on a broken run.
const failedCount = failed + problems.length;
const suffix = skipped > 0 ? `, ${skipped} skipped` : "";
console.log(`${passed} passed, ${failedCount} failed${suffix}`);
process.exit(failedCount > 0 ? 1 : 0);
