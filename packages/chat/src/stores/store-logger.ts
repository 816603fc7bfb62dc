/**
 * Where stores report what they recovered from (a database outage, interactions saved late or lost).
 * A pino logger fits; RagbitsAPI passes its own.
 */
export interface StoreLogger {
  info(details: Record<string, unknown>, message: string): void;
  warn(details: Record<string, unknown>, message: string): void;
  error(details: Record<string, unknown>, message: string): void;
}

/** Used when no logger is given: process warnings are visible on stderr and can be filtered by code. */
export const processWarningLogger: StoreLogger = {
  info: () => undefined,
  warn: (_details, message) => process.emitWarning(message, { code: "RAGBITS_STORE" }),
  error: (_details, message) => process.emitWarning(message, { code: "RAGBITS_STORE" }),
};
