import { existsSync, statSync } from "node:fs";
import { createRequire } from "node:module";
import { isAbsolute, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { CliError } from "./cli-error";
import { describeLoadError } from "./describe-load-error";

const EXTENSIONS = [".ts", ".mts", ".cts", ".tsx", ".js", ".mjs", ".cjs"];

const TYPESCRIPT_EXTENSIONS = [".ts", ".mts", ".cts", ".tsx"];

/** What the CLI says when a TypeScript file needs tsx and tsx is not installed. */
export const TSX_INSTALL_COMMAND = "npm install --save-dev tsx";

let typescriptLoader: Promise<boolean> | undefined;

/**
 * Lets `import()` load .ts files directly, for ESM and CommonJS user code alike, through tsx — an
 * optional peer dependency, so that apps deployed as compiled JavaScript do not install it (nor
 * esbuild behind it). Resolves to false when tsx is not installed; other failures are thrown.
 */
function registerTypeScriptLoader(): Promise<boolean> {
  typescriptLoader ??= (async () => {
    let apis;
    try {
      apis = await Promise.all([import("tsx/esm/api"), import("tsx/cjs/api")]);
    } catch (error) {
      if (isTsxMissing(error)) return false;
      throw new CliError(`tsx is installed but failed to load (try reinstalling it: ${TSX_INSTALL_COMMAND}): ${error instanceof Error ? error.message : String(error)}`, { cause: error });
    }
    apis[0].register();
    apis[1].register();
    return true;
  })();
  return typescriptLoader;
}

/** Only tsx itself being absent means "not installed"; a missing module of tsx's own is a broken install. */
function isTsxMissing(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  if (code !== "ERR_MODULE_NOT_FOUND" && code !== "MODULE_NOT_FOUND") return false;
  const firstLine = (error instanceof Error ? error.message : String(error)).split("\n", 1)[0] ?? "";
  return /['"]tsx['"]|['"]tsx\/(esm|cjs)\/api['"]/.test(firstLine);
}

function isTypeScript(file: string): boolean {
  return TYPESCRIPT_EXTENSIONS.some((extension) => file.endsWith(extension));
}

/** Splits "path/to/module:Export" (the last colon separates the export). */
export function parseTarget(target: string): { modulePath: string; exportName: string } {
  const colon = target.lastIndexOf(":");
  if (colon <= 0 || colon === target.length - 1) {
    throw new CliError(`"${target}" is not <module>:<Export> — for example main.ts:SimpleStreamingChat`);
  }
  return { modulePath: target.slice(0, colon), exportName: target.slice(colon + 1) };
}

/**
 * Finds the file (or package) a module reference means: a path relative to `cwd` (with or without
 * extension, or a folder with an index file), else a package specifier resolved from `cwd`.
 */
export function resolveModule(modulePath: string, cwd: string): string {
  const base = isAbsolute(modulePath) ? modulePath : resolve(cwd, modulePath);
  const candidates = [base, ...EXTENSIONS.map((extension) => base + extension), ...EXTENSIONS.map((extension) => resolve(base, `index${extension}`))];
  for (const candidate of candidates) {
    if (existsSync(candidate) && statSync(candidate).isFile()) return candidate;
  }
  const looksLikePath = modulePath.startsWith(".") || isAbsolute(modulePath) || EXTENSIONS.some((extension) => modulePath.endsWith(extension));
  if (!looksLikePath) {
    try {
      return createRequire(resolve(cwd, "package.json")).resolve(modulePath);
    } catch {
      // Reported below with the paths that were tried.
    }
  }
  throw new CliError(`Cannot find module "${modulePath}" (looked for ${base} with ${EXTENSIONS.join(", ")}${looksLikePath ? "" : ", and a package of that name"})`);
}

/** Imports `module:Export` and returns the export, with errors that say exactly what is missing. */
export async function loadExport(target: string, options: { cwd?: string; beforeTypeScript?: (file: string) => Promise<void> } = {}): Promise<{ value: unknown; file: string; exportName: string }> {
  const { modulePath, exportName } = parseTarget(target);
  const file = resolveModule(modulePath, options.cwd ?? process.cwd());
  await options.beforeTypeScript?.(file);
  // Registered for every target when tsx is there (a .js entry may import .ts modules); required for .ts ones.
  const typescriptLoaded = await registerTypeScriptLoader();
  if (!typescriptLoaded && isTypeScript(file)) {
    throw new CliError(`${file} is TypeScript, and running it directly needs tsx, which is not installed. Install it (${TSX_INSTALL_COMMAND}) or compile your app and run the .js file.`);
  }
  let namespace: Record<string, unknown>;
  try {
    namespace = (await import(pathToFileURL(file).href)) as Record<string, unknown>;
  } catch (error) {
    throw new CliError(describeLoadError(file, error), { cause: error });
  }
  // A CommonJS module's exports arrive under `default` when imported from ESM.
  const fromDefault = (namespace.default ?? {}) as Record<string, unknown>;
  const value = exportName in namespace ? namespace[exportName] : fromDefault[exportName];
  if (value === undefined) {
    const available = Object.keys(namespace).filter((name) => name !== "default" && name !== "module.exports");
    throw new CliError(`${file} has no export "${exportName}"${available.length ? `; it exports: ${available.join(", ")}` : ""}`);
  }
  return { value, file, exportName };
}
