import { configureTelemetry } from "@ragbits/core";
import { type Logger } from "pino";
import { type StartedTelemetry, otelEnvironmentConfigured, startOpenTelemetry } from "./start-open-telemetry";

/** RagbitsAPI's `telemetry` option, in its long form. */
export interface TelemetryOptions {
  /**
   * Start the OpenTelemetry Node SDK (needs `@opentelemetry/api` and `@opentelemetry/sdk-node`),
   * configured by the standard OTEL_* variables. Default: when that environment is set
   * (OTEL_EXPORTER_OTLP_ENDPOINT, OTEL_SERVICE_NAME, OTEL_TRACES_EXPORTER, …). Never when the app
   * registered its own providers: spans and metrics go there.
   */
  start?: boolean | undefined;
  /**
   * Record prompts, answers and tool arguments/results on spans (process-wide; see @ragbits/core's
   * `configureTelemetry`). Off by default: they may hold personal data.
   */
  captureContent?: boolean | undefined;
}

/** Applies the option and starts the SDK when asked for (or when the environment asks for it). */
export async function applyTelemetryOptions(option: boolean | TelemetryOptions | undefined, logger: Logger): Promise<StartedTelemetry | undefined> {
  const options: TelemetryOptions = typeof option === "boolean" ? { start: option } : (option ?? {});
  if (options.captureContent !== undefined) configureTelemetry({ captureContent: options.captureContent });
  if (options.start === false) return undefined;
  if (options.start === true) return startOpenTelemetry(logger, true);
  return otelEnvironmentConfigured() ? startOpenTelemetry(logger, false) : undefined;
}
