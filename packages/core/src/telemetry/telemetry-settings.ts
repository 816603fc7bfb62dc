/** How @ragbits/core reports to OpenTelemetry (see `configureTelemetry`). */
export interface TelemetrySettings {
  /**
   * Record spans and metrics when an OpenTelemetry SDK is registered. Default true; with no SDK
   * (or without `@opentelemetry/api` installed) nothing is recorded either way.
   */
  enabled?: boolean | undefined;
  /**
   * Put prompts, answers, tool arguments and tool results on spans (`gen_ai.input.messages`,
   * `gen_ai.output.messages`, `gen_ai.system_instructions`, `gen_ai.tool.call.arguments`,
   * `gen_ai.tool.call.result`). They may hold personal data, so this is off unless you opt in here
   * or with `OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT=true`.
   */
  captureContent?: boolean | undefined;
}

/** The environment variable OpenTelemetry's GenAI instrumentations read for content capture. */
export const CAPTURE_CONTENT_ENV = "OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT";

let configured: TelemetrySettings = {};
/** The environment's answer, read once: the settings are consulted on every model call. */
let captureFromEnv: boolean | undefined;

/**
 * Sets how model calls and tool runs are traced: `configureTelemetry({ captureContent: true })` to
 * record message content, `{ enabled: false }` to record nothing even when an SDK is registered.
 * Settings not given keep their current value. Applies to calls that start afterwards.
 */
export function configureTelemetry(settings: TelemetrySettings): void {
  configured = { ...configured, ...withoutUndefined(settings) };
}

/** The settings in force: what `configureTelemetry` set, else the environment, else the defaults. */
export function telemetrySettings(): Required<TelemetrySettings> {
  return {
    enabled: configured.enabled ?? true,
    captureContent: configured.captureContent ?? (captureFromEnv ??= isTrue(process.env[CAPTURE_CONTENT_ENV])),
  };
}

function isTrue(value: string | undefined): boolean {
  return value !== undefined && ["true", "1", "yes", "on"].includes(value.trim().toLowerCase());
}

function withoutUndefined(settings: TelemetrySettings): TelemetrySettings {
  return Object.fromEntries(Object.entries(settings).filter(([, value]) => value !== undefined));
}
