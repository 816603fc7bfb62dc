import { dirname } from "node:path";
import { Command, InvalidArgumentError } from "commander";
import { apiRun } from "./api-run";
import { CliError } from "./cli-error";
import { parseTarget, resolveModule } from "./load-target";
import { RELOAD_CHILD_ENV, runWithReload } from "./reload";
import { stopOnSignals } from "./stop-on-signals";

declare const __RAGBITS_VERSION__: string | undefined;

function parsePort(value: string): number {
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new InvalidArgumentError("expected a port number between 0 and 65535");
  return port;
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
  .option("--auth <module:Export>", "authentication backend, e.g. auth.ts:users")
  .option("--theme <file>", "CSS file served at /api/theme")
  .option("--openai-compatible", "also serve the chat as an OpenAI model: POST /v1/chat/completions, GET /v1/models (keys: RAGBITS_OPENAI_API_KEYS=k1,k2)")
  .option("--openai-model <name>", "the model id of --openai-compatible (default: ragbits)")
  .option("--openai-api-keys-file <file>", "API keys of --openai-compatible, one per line")
  .action(async (target: string, options) => {
    debug = Boolean(options.debug);
    if (options.reload) {
      // Fail fast on a wrong target instead of restarting a broken child forever.
      const file = resolveModule(parseTarget(target).modulePath, process.cwd());
      const args = process.argv.slice(2).filter((arg) => arg !== "--reload");
      return runWithReload(args, dirname(file));
    }
    const running = await apiRun(target, options);
    stopOnSignals(() => running.close(), { announce: !process.env[RELOAD_CHILD_ENV] });
  });

program.parseAsync().catch((error: unknown) => {
  const message = CliError.isInstance(error) ? error.message : error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  process.stderr.write(`ragbits: error: ${message}\n`);
  if (debug) {
    const detail = CliError.isInstance(error) ? error.cause : error;
    if (detail instanceof Error && detail.stack) process.stderr.write(`\n${detail.stack}\n`);
  } else if (!CliError.isInstance(error)) {
    // Not a failure the CLI foresaw: the stack trace is what a bug report needs.
    process.stderr.write("(run with --debug for the stack trace)\n");
  }
  process.exit(1);
});
