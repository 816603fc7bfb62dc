import { existsSync } from "node:fs";
import { resolve } from "node:path";
import type { AuthMethod, ContentSecurityPolicy, RagbitsAPI, RunningServer } from "../index";
import { CliError } from "./cli-error";
import { type CspFlag } from "./csp-flag";
import { describeListenError } from "./describe-listen-error";
import { isStoreError } from "./is-store-error";
import { type RagbitsChat, loadLibrary, preloadLibrary } from "./load-library";
import { loadExport } from "./load-target";
import { checkOpenAIExposure, openAICompatibleBanner, openAICompatibleFromFlags } from "./openai-compatible-flags";

export interface ApiRunOptions {
  host: string;
  port: number;
  debug: boolean;
  corsOrigin: string[];
  uiBuildDir?: string;
  auth?: string;
  /** `--base-url`: the public URL OAuth2 callback URLs start with. */
  baseUrl?: string;
  theme?: string;
  /** `--csp`; absent: RagbitsAPI's default for the UI it serves (strict for the built-in one). */
  csp?: CspFlag;
  databaseUrl?: string;
  /** `--resume-grace-ms`: how long a resumable answer waits for its client to come back. */
  resumeGraceMs?: number;
  openaiCompatible?: boolean;
  openaiModel?: string;
  openaiApiKeysFile?: string;
  /** `--otel` / `--no-otel`; absent: OpenTelemetry starts when the OTEL_* environment is set. */
  otel?: boolean;
}

/** `ragbits api run <module>:<Export>`: loads the chat (and auth backend), serves it, prints the URL. */
export async function apiRun(target: string, options: ApiRunOptions): Promise<RunningServer> {
  checkPaths(options);
  const openaiCompatible = openAICompatibleFromFlags(options);
  const { value, file, exportName } = await loadExport(target, { beforeTypeScript: preloadLibrary });
  // After the user's module: the library instance it loaded is the one to use (see loadLibrary).
  const library = await loadLibrary(file);
  const { ChatInterface, RagbitsAPI } = library;
  if (!ChatInterface.isChatInterfaceClass(value) && !ChatInterface.isChatInterface(value)) {
    throw new CliError(`"${exportName}" in ${file} is not a ChatInterface: export a class that extends ChatInterface from @ragbits/chat (or an instance of one)`);
  }
  const auth = options.auth ? await loadAuth(options.auth, library) : undefined;
  if (openaiCompatible) checkOpenAIExposure(openaiCompatible, options.host, library);
  const api = new RagbitsAPI(value, {
    debugMode: options.debug,
    corsOrigins: options.corsOrigin,
    ...(options.uiBuildDir ? { uiBuildDir: resolve(options.uiBuildDir) } : {}),
    ...(options.theme ? { themePath: resolve(options.theme) } : {}),
    ...(options.csp ? { contentSecurityPolicy: contentSecurityPolicy(options.csp, library) } : {}),
    ...(auth ? { auth } : {}),
    ...(options.baseUrl ? { baseUrl: options.baseUrl } : {}),
    ...(options.databaseUrl ? { databaseUrl: options.databaseUrl } : {}),
    ...(options.resumeGraceMs !== undefined ? { resumeGraceMs: options.resumeGraceMs } : {}),
    ...(openaiCompatible ? { openaiCompatible } : {}),
    ...(options.otel !== undefined ? { telemetry: options.otel } : {}),
  });
  const running = await listen(api, options);
  // Log lines (the start-up warnings among them) may still sit in pino's buffer: out before the banner.
  await new Promise<void>((resolve) => {
    const giveUp = setTimeout(resolve, 250);
    api.logger.flush(() => {
      clearTimeout(giveUp);
      resolve();
    });
  });
  process.stdout.write(`\n  Ragbits chat is running at ${running.url}\n${openaiCompatible ? openAICompatibleBanner(openaiCompatible, running.url, library) : ""}\n`);
  return running;
}

/** `api.run()` without its own "running" log line: the banner above tells the person at the terminal. */
async function listen(api: RagbitsAPI, { host, port }: ApiRunOptions): Promise<RunningServer> {
  try {
    return await api.run({ host, port, quiet: true });
  } catch (error) {
    // RagbitsAPI's start-up checks: a form schema or a --theme file the UI could not use.
    if (isStartUpCheckError(error)) throw new CliError(error.name === "ThemeFileError" ? `--theme: ${error.message}` : error.message, { cause: error });
    // The database could not be opened before listening (unreachable, pg missing, a newer schema).
    if (isStoreError(error)) throw new CliError(`database: ${error.message}`, { cause: error });
    throw new CliError(describeListenError(error, host, port), { cause: error });
  }
}

/** FormSchemaError and ThemeFileError, by name: they come from the library the user's module loaded. */
function isStartUpCheckError(error: unknown): error is Error {
  return error instanceof Error && (error.name === "FormSchemaError" || error.name === "ThemeFileError" || error.name === "TelemetryStartError");
}

function contentSecurityPolicy(flag: CspFlag, { STRICT_CSP, RELAXED_CSP }: RagbitsChat): ContentSecurityPolicy {
  if (flag.kind === "policy") return flag.policy;
  return flag.kind === "strict" ? STRICT_CSP : flag.kind === "relaxed" ? RELAXED_CSP : false;
}

/** A wrong --theme or --ui-build-dir fails at start, not later as 404s. */
function checkPaths(options: ApiRunOptions): void {
  if (options.theme && !existsSync(resolve(options.theme))) throw new CliError(`--theme: ${resolve(options.theme)} does not exist`);
  if (options.uiBuildDir && !existsSync(resolve(options.uiBuildDir, "index.html"))) {
    throw new CliError(`--ui-build-dir: ${resolve(options.uiBuildDir)} has no index.html (is it a UI build folder?)`);
  }
}

async function loadAuth(target: string, { isAuthMethod }: RagbitsChat): Promise<AuthMethod> {
  const { value, file, exportName } = await loadExport(target);
  const backend = typeof value === "function" && !isAuthMethod(value) ? createBackend(value as new () => unknown) : value;
  if (!isAuthMethod(backend)) {
    throw new CliError(
      `"${exportName}" in ${file} is not an authentication backend: export an object with authenticate(username, password) (for example a ListAuthentication), an OAuth2 provider (googleProvider(), new OpenIdConnectProvider({...})) or a MultiAuthenticationBackend`,
    );
  }
  return backend;
}

function createBackend(factory: new () => unknown): unknown {
  try {
    return new factory();
  } catch {
    return (factory as unknown as () => unknown)();
  }
}
