import { readFileSync } from "node:fs";
import { join } from "node:path";

/** Every library the run compares (and the ones the servers are built on), as installed for bench/. */
const PACKAGES = ["@ragbits/core", "@ragbits/chat", "openai", "ai", "@ai-sdk/openai", "@langchain/openai", "@langchain/core", "express", "undici", "playwright-core"];

export function libraryVersions(benchDir: string): Record<string, string> {
  const versions: Record<string, string> = {};
  for (const name of PACKAGES) {
    try {
      // Read the manifest directly: some packages' export maps do not expose package.json.
      const manifest = JSON.parse(readFileSync(join(benchDir, "node_modules", name, "package.json"), "utf8")) as { version: string };
      versions[name] = manifest.version;
    } catch {
      versions[name] = "not installed";
    }
  }
  versions["node (built-in fetch: undici)"] = `${process.version} (undici ${process.versions.undici ?? "?"})`;
  return versions;
}
