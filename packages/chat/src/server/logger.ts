import { createRequire } from "node:module";
import pino, { type DestinationStream, type Logger } from "pino";
import { traceLogFields } from "../telemetry/trace-log-fields";

/** The command the "logging JSON" notice tells a person at a terminal to run. */
export const PINO_PRETTY_INSTALL_COMMAND = "npm install --save-dev pino-pretty";

/**
 * The server's logger (pino). JSON lines by default — what log collectors want; readable, coloured
 * lines when a person watches a terminal (or RAGBITS_LOG_FORMAT=pretty) and pino-pretty, an optional
 * peer dependency, is installed. Without it a terminal gets JSON lines and one notice that says how
 * to get readable ones. Secrets in request headers are redacted. Pass your own pino logger in the
 * options to route logs elsewhere.
 */
export function createLogger(debugMode: boolean): Logger {
  const options = {
    name: "ragbits",
    level: process.env.RAGBITS_LOG_LEVEL ?? (debugMode ? "debug" : "info"),
    redact: { paths: ["req.headers.authorization", "req.headers.cookie", "req.headers['x-api-key']", "req.headers['api-key']", "*.apiKey", "*.password"], censor: "[redacted]" },
    // trace_id and span_id of the active span (with OpenTelemetry), to join log lines with traces.
    mixin: traceLogFields,
  };
  if (!prettyOutput()) return pino(options);
  const stream = prettyStream();
  if (stream) return pino(options, stream);
  const logger = pino(options);
  logger.info(`pino-pretty is not installed: logging JSON lines (${PINO_PRETTY_INSTALL_COMMAND} for readable ones, RAGBITS_LOG_FORMAT=json to keep JSON without this notice)`);
  return logger;
}

function prettyOutput(): boolean {
  const format = process.env.RAGBITS_LOG_FORMAT;
  if (format) return format === "pretty";
  return Boolean(process.stdout.isTTY);
}

/** Loaded only for terminals, so servers that log JSON never need it; undefined when it is not installed. */
function prettyStream(): DestinationStream | undefined {
  let pretty: (options: object) => DestinationStream;
  try {
    // Resolved from this package's own location, as a dependency of ours would be.
    pretty = createRequire(__filename)("pino-pretty") as typeof pretty;
  } catch (error) {
    if (isPinoPrettyMissing(error)) return undefined;
    throw error;
  }
  return pretty({ colorize: true, sync: true, translateTime: "HH:MM:ss", ignore: "pid,hostname,name" });
}

/** Only pino-pretty itself being absent means "not installed"; a missing module of its own is a broken install. */
function isPinoPrettyMissing(error: unknown): boolean {
  if ((error as { code?: unknown } | null)?.code !== "MODULE_NOT_FOUND") return false;
  const firstLine = (error instanceof Error ? error.message : String(error)).split("\n", 1)[0] ?? "";
  return /['"]pino-pretty['"]/.test(firstLine);
}
