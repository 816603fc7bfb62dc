import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { isAuthenticationBackend, type AuthenticationBackend } from "../auth/authentication-backend";
import { ChatInterface } from "../interface/chat-interface";
import { RagbitsAPI, type RunningServer } from "../server/ragbits-api";
import { CliError, loadExport } from "./load-target";

export interface ApiRunOptions {
  host: string;
  port: number;
  debug: boolean;
  corsOrigin: string[];
  uiBuildDir?: string;
  auth?: string;
  theme?: string;
}

/** `ragbits api run <module>:<Export>`: loads the chat (and auth backend), serves it, prints the URL. */
export async function apiRun(target: string, options: ApiRunOptions): Promise<RunningServer> {
  checkPaths(options);
  const { value, file, exportName } = await loadExport(target);
  if (!ChatInterface.isChatInterfaceClass(value) && !ChatInterface.isChatInterface(value)) {
    throw new CliError(`"${exportName}" in ${file} is not a ChatInterface: export a class that extends ChatInterface from @ragbits/chat (or an instance of one)`);
  }
  const auth = options.auth ? await loadAuth(options.auth) : undefined;
  const api = new RagbitsAPI(value, {
    debugMode: options.debug,
    corsOrigins: options.corsOrigin,
    ...(options.uiBuildDir ? { uiBuildDir: resolve(options.uiBuildDir) } : {}),
    ...(options.theme ? { themePath: resolve(options.theme) } : {}),
    ...(auth ? { auth } : {}),
  });
  const running = await api.run({ host: options.host, port: options.port });
  process.stdout.write(`\n  Ragbits chat is running at ${running.url}\n\n`);
  return running;
}

/** A wrong --theme or --ui-build-dir fails at start, not later as 404s. */
function checkPaths(options: ApiRunOptions): void {
  if (options.theme && !existsSync(resolve(options.theme))) throw new CliError(`--theme: ${resolve(options.theme)} does not exist`);
  if (options.uiBuildDir && !existsSync(resolve(options.uiBuildDir, "index.html"))) {
    throw new CliError(`--ui-build-dir: ${resolve(options.uiBuildDir)} has no index.html (is it a UI build folder?)`);
  }
}

async function loadAuth(target: string): Promise<AuthenticationBackend> {
  const { value, file, exportName } = await loadExport(target);
  const backend = typeof value === "function" && !isAuthenticationBackend(value) ? createBackend(value as new () => unknown) : value;
  if (!isAuthenticationBackend(backend)) {
    throw new CliError(`"${exportName}" in ${file} is not an authentication backend: export an object with authenticate(username, password) (for example a ListAuthentication)`);
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
