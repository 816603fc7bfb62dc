import type * as OpenTelemetry from "@opentelemetry/api";

/** The `@opentelemetry/api` module (an optional peer dependency). Its types never reach the public .d.ts. */
export type OpenTelemetryApi = typeof OpenTelemetry;

/** `undefined`: not looked for yet; `null`: not installed (or telemetry is off); else the module. */
let api: OpenTelemetryApi | null | undefined;
let loading: Promise<OpenTelemetryApi | null> | undefined;

/**
 * The OpenTelemetry API if it has been loaded: what the hot path checks, synchronously. `undefined`
 * until `loadOpenTelemetryApi()` has settled once.
 */
export function openTelemetryApi(): OpenTelemetryApi | null | undefined {
  return api;
}

/**
 * Loads `@opentelemetry/api` once per process, on the first model call, so that `import
 * "@ragbits/core"` stays fast and the package installs and runs without it. Never rejects: an
 * absent (or broken) API means no telemetry, never a failed call.
 */
export function loadOpenTelemetryApi(): Promise<OpenTelemetryApi | null> {
  loading ??= import("@opentelemetry/api").then(
    (module) => (api = ("trace" in module ? module : (module as { default: OpenTelemetryApi }).default) as OpenTelemetryApi),
    (error: unknown) => {
      if (!isApiMissing(error)) {
        // Installed but unusable (a broken install, a wrong version): say it once instead of tracing nothing in silence.
        process.emitWarning(`@opentelemetry/api could not be loaded, so @ragbits/core records no traces or metrics: ${String((error as Error)?.message ?? error)}`, "RagbitsTelemetryWarning");
      }
      return (api = null);
    },
  );
  return loading;
}

function isApiMissing(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return (code === "MODULE_NOT_FOUND" || code === "ERR_MODULE_NOT_FOUND") && String((error as Error)?.message).includes("@opentelemetry/api");
}
