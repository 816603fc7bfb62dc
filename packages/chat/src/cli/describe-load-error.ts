import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { dirname } from "node:path";
import { fileURLToPath } from "node:url";

// Frames in the CLI's and the library's own files (dist/) are not the user's code.
const OWN_DIR = dirname(fileURLToPath(import.meta.url));

/**
 * What went wrong while importing the user's module, as one readable message: for a syntax error the
 * file, line, column (1-based, as editors count), esbuild's or V8's message and the offending line with
 * a caret; for an error thrown while the module ran, the error and the place in the user's code.
 * Stack traces and esbuild's internals are left to --debug.
 */
export function describeLoadError(file: string, error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const transformErrors = esbuildErrors(message);
  if (transformErrors.length > 0) return transformErrors.map(({ path, line, column, text }) => syntaxError(path, line, column, text)).join("\n");
  const where = firstUserFrame(error);
  // A SyntaxError thrown by running code (JSON.parse...) has a frame in the user's code; a parse error has none.
  if (error instanceof Error && error.name === "SyntaxError" && !where) return nativeSyntaxError(file, error.message);
  return `Loading ${file} failed: ${error instanceof Error ? `${error.name}: ${message}` : message}${where ? ` (at ${where})` : ""}`;
}

interface SourceError {
  path: string;
  line: number;
  column: number;
  text: string;
}

/**
 * esbuild (which tsx uses) reports "Transform failed with N error(s):" then one `file:line:column:
 * ERROR: text` line per error, with a 0-based column. tsx's loader thread passes on only the message.
 */
function esbuildErrors(message: string): SourceError[] {
  if (!/^Transform failed with \d+ errors?:/.test(message)) return [];
  return [...message.matchAll(/^(.+):(\d+):(\d+): ERROR: (.+)$/gm)].map(([, path, line, column, text]) => ({ path: path!, line: Number(line), column: Number(column) + 1, text: text! }));
}

/**
 * V8 does not say where an ES module's syntax error is; `node --check` does (in the arrow it prints).
 * When the target itself parses, the error is in a module it imports.
 */
function nativeSyntaxError(file: string, message: string): string {
  const check = spawnSync(process.execPath, ["--check", file], { encoding: "utf8" });
  if (check.status === 0) return `a module imported by ${file} has a syntax error: ${message}`;
  const located = /^(file:\/\/\S+|\/.+?):(\d+)\n.*\n( *)\^/m.exec(check.stderr ?? "");
  if (!located) return `${file} has a syntax error: ${message}`;
  const [, where, line, indent] = located;
  return syntaxError(where!.startsWith("file:") ? fileURLToPath(where!) : where!, Number(line), indent!.length + 1, message);
}

function syntaxError(path: string, line: number, column: number, text: string): string {
  const source = sourceLine(path, line);
  const frame = source === undefined ? "" : `\n  ${line} | ${source}\n  ${" ".repeat(String(line).length)} | ${" ".repeat(Math.max(column - 1, 0))}^`;
  return `${path}:${line}:${column}: syntax error: ${text}${frame}`;
}

function sourceLine(path: string, line: number): string | undefined {
  try {
    return readFileSync(path, "utf8").split(/\r?\n/)[line - 1];
  } catch {
    return undefined;
  }
}

/** The first stack frame in the user's own code (not a dependency, not Node's internals). */
function firstUserFrame(error: unknown): string | undefined {
  const stack = error instanceof Error ? (error.stack ?? "") : "";
  for (const match of stack.matchAll(/^\s+at (?:.*? \()?(.+?:\d+:\d+)\)?$/gm)) {
    const location = match[1]!;
    const path = location.startsWith("file:") ? fileURLToPath(location) : location;
    if (path.startsWith("node:") || path.includes("/node_modules/") || path.startsWith(OWN_DIR)) continue;
    return path;
  }
  return undefined;
}
