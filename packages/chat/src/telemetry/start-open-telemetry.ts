import type * as SdkNode from "@opentelemetry/sdk-node";
import { type Logger } from "pino";
import { type OpenTelemetryApi, isMissing, loadOpenTelemetryApi } from "./open-telemetry-api";

/** The standard variables that mean "this process should export telemetry". */
const OTEL_VARIABLES = [
  "OTEL_EXPORTER_OTLP_ENDPOINT",
  "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT",
  "OTEL_EXPORTER_OTLP_METRICS_ENDPOINT",
  "OTEL_TRACES_EXPORTER",
  "OTEL_METRICS_EXPORTER",
  "OTEL_SERVICE_NAME",
];

export const OTEL_INSTALL_COMMAND = "npm install @opentelemetry/api @opentelemetry/sdk-node";
const DEFAULT_SERVICE_NAME = "ragbits-chat";

/** Raised when OpenTelemetry was asked for explicitly (`--otel`, `telemetry: true`) and cannot start. */
export class TelemetryStartError extends Error {
  override readonly name = "TelemetryStartError";
}

export interface StartedTelemetry {
  /** Exports what is still buffered and stops the SDK. */
  shutdown(): Promise<void>;
}

/** Whether the standard OTEL_* environment asks for telemetry (and OTEL_SDK_DISABLED does not forbid it). */
export function otelEnvironmentConfigured(env: NodeJS.ProcessEnv = process.env): boolean {
  if (isTrue(env.OTEL_SDK_DISABLED)) return false;
  return OTEL_VARIABLES.some((name) => Boolean(env[name]));
}

/**
 * Starts the OpenTelemetry Node SDK (`@opentelemetry/sdk-node`, an optional peer) configured by the
 * standard OTEL_* variables: exporters (`OTEL_TRACES_EXPORTER` / `OTEL_METRICS_EXPORTER`: otlp,
 * console, prometheus, none), endpoint, protocol, headers, service name (default "ragbits-chat"),
 * resource attributes, sampling. Nothing is started when the app registered a tracer or meter
 * provider itself (its own setup, or `node --import @opentelemetry/auto-instrumentations-node/register`):
 * spans then go there. `explicit` (the `--otel` flag, `telemetry: true`) turns a missing SDK into an
 * error; started from the environment alone it is a warning and the server runs untraced.
 */
export async function startOpenTelemetry(logger: Logger, explicit: boolean): Promise<StartedTelemetry | undefined> {
  if (isTrue(process.env.OTEL_SDK_DISABLED)) {
    logger.info("OpenTelemetry is disabled (OTEL_SDK_DISABLED=true)");
    return undefined;
  }
  const api = await loadOpenTelemetryApi();
  if (api && providerRegistered(api)) {
    logger.info("OpenTelemetry: using the tracer and meter providers the app registered");
    return undefined;
  }
  let sdkModule: typeof SdkNode;
  try {
    if (!api) throw Object.assign(new Error("Cannot find module '@opentelemetry/api'"), { code: "MODULE_NOT_FOUND" });
    sdkModule = await import("@opentelemetry/sdk-node");
  } catch (error) {
    const missing = isMissing(error, "@opentelemetry/sdk-node") || isMissing(error, "@opentelemetry/api");
    const message = missing
      ? `OpenTelemetry needs @opentelemetry/api and @opentelemetry/sdk-node, which are not installed: run ${OTEL_INSTALL_COMMAND}`
      : `OpenTelemetry could not be started: @opentelemetry/sdk-node failed to load (${String((error as Error)?.message ?? error)})`;
    if (explicit) throw new TelemetryStartError(message, { cause: error });
    logger.warn(`${message}. The OTEL_* environment is set; the server runs without telemetry.`);
    return undefined;
  }
  const { NodeSDK } = ("NodeSDK" in sdkModule ? sdkModule : (sdkModule as { default: typeof sdkModule }).default) as typeof sdkModule;
  const sdk = new NodeSDK(process.env.OTEL_SERVICE_NAME ? {} : { serviceName: DEFAULT_SERVICE_NAME });
  sdk.start();
  logger.info(
    { service: process.env.OTEL_SERVICE_NAME ?? DEFAULT_SERVICE_NAME, traces: process.env.OTEL_TRACES_EXPORTER ?? "otlp", metrics: process.env.OTEL_METRICS_EXPORTER ?? "otlp", endpoint: process.env.OTEL_EXPORTER_OTLP_ENDPOINT },
    "OpenTelemetry started",
  );
  let stopping: Promise<void> | undefined;
  return {
    shutdown: () =>
      (stopping ??= sdk.shutdown().catch((error: unknown) => {
        logger.warn({ err: error }, "OpenTelemetry: exporting the last spans and metrics failed");
      })),
  };
}

/** A tracer or meter provider other than the API's no-op one is registered. */
function providerRegistered(api: OpenTelemetryApi): boolean {
  const tracerProvider = api.trace.getTracerProvider();
  const delegate = tracerProvider instanceof api.ProxyTracerProvider ? tracerProvider.getDelegate() : tracerProvider;
  // A fresh proxy's delegate is the API's no-op tracer provider.
  if (delegate !== new api.ProxyTracerProvider().getDelegate()) return true;
  return api.metrics.getMeterProvider().getMeter("@ragbits/chat") !== api.createNoopMeter();
}

function isTrue(value: string | undefined): boolean {
  return value !== undefined && ["true", "1", "yes", "on"].includes(value.trim().toLowerCase());
}
