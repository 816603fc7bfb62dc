/**
 * @ragbits/core/redact: keeping secrets out of texts and errors. Browser safe and free of the rest
 * of @ragbits/core, so client bundles (the @ragbits/chat client, the web UI) can use it.
 */
export { type Redactor, type RedactorOptions, createRedactor, headerRedactor, redactDeep, redactSecrets, sensitiveHeaderValues } from "./redact-secrets";
