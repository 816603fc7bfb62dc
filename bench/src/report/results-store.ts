import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { SCENARIO_IDS } from "../bench-config";
import { type BenchResults } from "./bench-results";
import { markdownReport, resultFileName } from "./markdown-report";

const START = "<!-- results:start (written by `pnpm bench`; do not edit by hand) -->";
const END = "<!-- results:end -->";

/**
 * Writes a run down. A full run of every scenario: `results/<date>.json`, `results/latest.json` and
 * the results section of README.md. A quick (smoke) run, or a run of some scenarios, servers or
 * levels only (`--only`, `--servers`, `--levels`): `results/quick/` or `results/partial/` only
 * (git-ignored), so indicative or incomplete figures never replace the committed ones. A full run
 * on another Node binary (`--node`): `results/node<major>/<date>.json` and `latest.json` there,
 * committed beside the main results; README.md's generated section stays the default Node's.
 */
export function storeResults(benchDir: string, results: BenchResults, selection: { partial: boolean; nodeOverride: boolean }): string[] {
  const json = `${JSON.stringify(results, null, 2)}\n`;
  const written: string[] = [];
  const partial = selection.partial || SCENARIO_IDS.some((id) => !results.config.scenarios.includes(id));
  if (results.mode === "quick" || partial) {
    const dir = join(benchDir, "results", results.mode === "quick" ? "quick" : "partial");
    mkdirSync(dir, { recursive: true });
    written.push(write(join(dir, resultFileName(results)), json));
    return written;
  }
  const dir = join(benchDir, "results", ...(selection.nodeOverride ? [`node${results.machine.node.replace(/^v/, "").split(".")[0]}`] : []));
  mkdirSync(dir, { recursive: true });
  written.push(write(join(dir, resultFileName(results)), json));
  written.push(write(join(dir, "latest.json"), json));
  if (selection.nodeOverride) return written;
  const readmePath = join(benchDir, "README.md");
  const readme = readFileSync(readmePath, "utf8");
  const start = readme.indexOf(START);
  const end = readme.indexOf(END);
  if (start === -1 || end === -1) throw new Error(`README.md has no results markers (${START} … ${END})`);
  written.push(write(readmePath, `${readme.slice(0, start + START.length)}\n\n${markdownReport(results)}\n${readme.slice(end)}`));
  return written;
}

function write(path: string, text: string): string {
  writeFileSync(path, text);
  return path;
}
