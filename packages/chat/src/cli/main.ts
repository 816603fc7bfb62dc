import { dirname } from "node:path";
import { Command, InvalidArgumentError } from "commander";
import { apiRun } from "./api-run";
import { CliError } from "./cli-error";
import { parseCspFlag } from "./csp-flag";
import { isStoreError } from "./is-store-error";
import { parseTarget, resolveModule } from "./load-target";
import { RELOAD_CHILD_ENV, runWithReload } from "./reload";
import { STOP_AFTER_GRACE_MS, stopOnSignals } from "./stop-on-signals";

declare const __RAGBITS_VERSION__: string | undefined;

/** How long, by default, a SIGTERM lets running answers finish (a load balancer's usual drain time). */
const DEFAULT_SHUTDOWN_GRACE_MS = 10_000;

function parsePort(value: string): number {
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new InvalidArgumentError("expected a port number between 0 and 65535");
  return port;
}

function parseMilliseconds(value: string): number {
  const ms = Number(value);
  if (!Number.isInteger(ms) || ms < 0) throw new InvalidArgumentError("expected a whole number of milliseconds (0 or more)");
  return ms;
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

// Set once the options are parsed: failures show their stack trace only with --debug.
let debug = false;

const program = new Command("ragbits").description("Ragbits for TypeScript").version(typeof __RAGBITS_VERSION__ === "string" ? __RAGBITS_VERSION__ : "dev");
const api = program.command("api").description("serve a chat");

api
  .command("run")
  .description("serve a ChatInterface with the Ragbits API and web UI")
  .argument("<target>", "<module>:<Export>, e.g. main.ts:SimpleStreamingChat (.ts files load directly)")
  .option("--host <host>", "interface to listen on", "127.0.0.1")
  .option("--port <port>", "port to listen on", parsePort, 8000)
  .option("--reload", "restart when files change", false)
  .option("--debug", "debug mode: error details in answers, debug panel, verbose logs, stack traces", false)
  .option("--cors-origin <origin>", "allow a browser origin (repeatable)", collect, [])
  .option("--ui-build-dir <dir>", "serve this UI build instead of the built-in one")
  .option("--auth <module:Export>", "sign-in: a password backend, an OAuth2 provider or a MultiAuthenticationBackend, e.g. auth.ts:users")
  .option("--base-url <url>", "this server's public URL, for OAuth2 callback URLs (default: RAGBITS_BASE_URL)")
  .option("--theme <file>", "served at /api/theme: a CSS file, or a HeroUI theme JSON (as Python Ragbits takes), converted to CSS")
  .option(
    "--csp <policy>",
    "Content-Security-Policy: strict (the built-in UI's default), relaxed (the default with --ui-build-dir), off, or a policy written out",
    parseCspFlag,
  )
  .option("--database-url <url>", "keep sessions, login limits, history and feedback in postgres://… or sqlite:<path> (default: RAGBITS_DATABASE_URL)")
  .option("--shutdown-grace-ms <ms>", "on SIGTERM, how long answers still streaming may finish", parseMilliseconds, DEFAULT_SHUTDOWN_GRACE_MS)
  .option("--resume-grace-ms <ms>", "how long an answer keeps generating after a resumable client's connection dropped (default 30000)", parseMilliseconds)
  .option("--openai-compatible", "also serve the chat as an OpenAI model: POST /v1/chat/completions, GET /v1/models (keys: RAGBITS_OPENAI_API_KEYS=k1,k2)")
  .option("--openai-model <name>", "the model id of --openai-compatible (default: ragbits)")
  .option("--openai-api-keys-file <file>", "API keys of --openai-compatible, one per line")
  .option("--otel", "OpenTelemetry traces and metrics, configured by the OTEL_* environment (needs @opentelemetry/api and @opentelemetry/sdk-node; default: on when OTEL_* is set)")
  .option("--no-otel", "no OpenTelemetry SDK, even when the OTEL_* environment is set")
  .action(async (target: string, options) => {
    debug = Boolean(options.debug);
    if (options.reload) {
      // Fail fast on a wrong target instead of restarting a broken child forever.
      const file = resolveModule(parseTarget(target).modulePath, process.cwd());
      const args = process.argv.slice(2).filter((arg) => arg !== "--reload");
      return runWithReload(args, dirname(file));
    }
    const running = await apiRun(target, options);
    // SIGTERM (a deploy) lets answers finish; Ctrl+C and a --reload restart stop at once.
    const graceMs = process.env[RELOAD_CHILD_ENV] ? 0 : (options.shutdownGraceMs as number);
    stopOnSignals((signal) => running.close({ graceMs: signal === "SIGTERM" ? graceMs : 0 }), { announce: !process.env[RELOAD_CHILD_ENV], timeoutMs: graceMs + STOP_AFTER_GRACE_MS });
  });

program.parseAsync().catch((error: unknown) => {
  const message = CliError.isInstance(error) || isStoreError(error) ? error.message : error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  process.stderr.write(`ragbits: error: ${message}\n`);
  if (debug) {
    const detail = CliError.isInstance(error) ? error.cause : error;
    if (detail instanceof Error && detail.stack) process.stderr.write(`\n${detail.stack}\n`);
  } else if (!CliError.isInstance(error) && !isStoreError(error)) {
    // Not a failure the CLI foresaw: the stack trace is what a bug report needs.
    process.stderr.write("(run with --debug for the stack trace)\n");
  }
  process.exit(1);
});
