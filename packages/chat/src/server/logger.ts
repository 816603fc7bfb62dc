import pino, { type Logger } from "pino";

/**
 * The server's logger (pino, JSON lines). Secrets in request headers are redacted; errors are
 * logged with their stack. Pass your own pino logger in the options to route logs elsewhere.
 */
export function createLogger(debugMode: boolean): Logger {
  return pino({
    name: "ragbits",
    level: process.env.RAGBITS_LOG_LEVEL ?? (debugMode ? "debug" : "info"),
    redact: { paths: ["req.headers.authorization", "req.headers.cookie", "req.headers['x-api-key']", "req.headers['api-key']", "*.apiKey", "*.password"], censor: "[redacted]" },
  });
}
