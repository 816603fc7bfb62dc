import type * as OpenTelemetry from "@opentelemetry/api";

/** The `@opentelemetry/api` module (an optional peer dependency). Its types stay out of the public .d.ts. */
export type OpenTelemetryApi = typeof OpenTelemetry;

/** `undefined`: not looked for yet; `null`: not installed. */
let api: OpenTelemetryApi | null | undefined;
let loading: Promise<OpenTelemetryApi | null> | undefined;

/** The API if it has been loaded: what a chat turn checks, synchronously. */
export function openTelemetryApi(): OpenTelemetryApi | null | undefined {
  if (api === undefined) void loadOpenTelemetryApi();
  return api;
}

/**
 * Loads `@opentelemetry/api` once per process (RagbitsAPI's setup awaits it, so the first turn is
 * traced). Never rejects: without the API there is simply no telemetry.
 */
export function loadOpenTelemetryApi(): Promise<OpenTelemetryApi | null> {
  loading ??= import("@opentelemetry/api").then(
    (module) => (api = ("trace" in module ? module : (module as { default: OpenTelemetryApi }).default) as OpenTelemetryApi),
    (error: unknown) => {
      if (!isMissing(error, "@opentelemetry/api")) process.emitWarning(`@opentelemetry/api could not be loaded, so @ragbits/chat records no traces or metrics: ${String((error as Error)?.message ?? error)}`, "RagbitsTelemetryWarning");
      return (api = null);
    },
  );
  return loading;
}

/** Only the package itself being absent means "not installed"; a missing module of its own is a broken install. */
export function isMissing(error: unknown, packageName: string): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  const firstLine = String((error as Error)?.message ?? error).split("\n", 1)[0] ?? "";
  return (code === "MODULE_NOT_FOUND" || code === "ERR_MODULE_NOT_FOUND") && (firstLine.includes(`'${packageName}'`) || firstLine.includes(`"${packageName}"`));
}
