import { openTelemetryApi } from "./open-telemetry-api";

export interface TraceLogFields {
  trace_id?: string;
  span_id?: string;
  trace_flags?: string;
}

/**
 * A pino `mixin`: the active span's trace and span ids (OpenTelemetry's log field names), so log
 * lines written during a traced request or chat turn can be joined with its trace. Nothing when
 * no span is active or OpenTelemetry is not installed. Pass it to your own pino logger too:
 * `pino({ mixin: traceLogFields })`.
 */
export function traceLogFields(): TraceLogFields {
  // A new object each time: pino writes the line's own fields into it.
  const api = openTelemetryApi();
  if (!api) return {};
  const span = api.trace.getActiveSpan();
  if (!span) return {};
  const context = span.spanContext();
  if (!api.isSpanContextValid(context)) return {};
  return { trace_id: context.traceId, span_id: context.spanId, trace_flags: `0${context.traceFlags.toString(16)}` };
}
