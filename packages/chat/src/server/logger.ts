import { createRequire } from "node:module";
import pino, { type DestinationStream, type Logger } from "pino";

/**
 * The server's logger (pino). JSON lines by default — what log collectors want; readable, coloured
 * lines when a person watches a terminal (or RAGBITS_LOG_FORMAT=pretty). Secrets in request headers
 * are redacted. Pass your own pino logger in the options to route logs elsewhere.
 */
export function createLogger(debugMode: boolean): Logger {
  const options = {
    name: "ragbits",
    level: process.env.RAGBITS_LOG_LEVEL ?? (debugMode ? "debug" : "info"),
    redact: { paths: ["req.headers.authorization", "req.headers.cookie", "req.headers['x-api-key']", "req.headers['api-key']", "*.apiKey", "*.password"], censor: "[redacted]" },
  };
  return prettyOutput() ? pino(options, prettyStream()) : pino(options);
}

function prettyOutput(): boolean {
  const format = process.env.RAGBITS_LOG_FORMAT;
  if (format) return format === "pretty";
  return Boolean(process.stdout.isTTY);
}

/** Loaded only for terminals, so servers that log JSON never pay for it. */
function prettyStream(): DestinationStream {
  const pretty = createRequire(__filename)("pino-pretty") as (options: object) => DestinationStream;
  return pretty({ colorize: true, sync: true, translateTime: "HH:MM:ss", ignore: "pid,hostname,name" });
}
