import { type ToolCall } from "../llm/tool-call";
import { ERROR_TYPE, GEN_AI } from "./gen-ai-attributes";
import { INSTRUMENTATION_SCOPE } from "./client-instruments";
import { openTelemetryApi } from "./open-telemetry-api";
import { telemetrySettings } from "./telemetry-settings";

/** What a tool run's span reads from its outcome (see ToolResult in run-tools). */
interface ToolOutcome {
  content: string;
  error?: Error | undefined;
}

/**
 * Runs one tool call inside an `execute_tool {name}` span (GenAI conventions), a child of the span
 * active when the tool loop runs (a chat turn's, for example). The tool's own work runs with the
 * span active, so its HTTP calls or queries nest under it. A call that fails (invalid arguments, an
 * unknown tool, or `execute` threw) gets `error.type` and an error status, also when the failure
 * is sent back to the model rather than thrown. Arguments and results only with content capture.
 */
export function traceToolCall<R extends ToolOutcome>(call: ToolCall, description: string | undefined, run: () => Promise<R>): Promise<R> {
  // The API was looked for by the model call that asked for this tool.
  const api = openTelemetryApi();
  if (!api) return run();
  const settings = telemetrySettings();
  if (!settings.enabled) return run();
  const parent = api.context.active();
  const attributes: Record<string, string> = {
    [GEN_AI.operationName]: "execute_tool",
    [GEN_AI.toolName]: call.name,
    [GEN_AI.toolType]: "function",
    [GEN_AI.toolCallId]: call.id,
  };
  if (description) attributes[GEN_AI.toolDescription] = description;
  if (settings.captureContent) attributes[GEN_AI.toolCallArguments] = call.rawArguments;
  const span = api.trace.getTracer(INSTRUMENTATION_SCOPE).startSpan(`execute_tool ${call.name}`, { kind: api.SpanKind.INTERNAL, attributes }, parent);
  if (!span.isRecording()) {
    span.end();
    return run();
  }
  const failed = (error: Error) => {
    span.setAttribute(ERROR_TYPE, error.name || "Error");
    span.setStatus({ code: api.SpanStatusCode.ERROR, message: error.message });
  };
  return api.context.with(api.trace.setSpan(parent, span), run).then(
    (outcome) => {
      if (outcome.error) failed(outcome.error);
      else if (settings.captureContent) span.setAttribute(GEN_AI.toolCallResult, outcome.content);
      span.end();
      return outcome;
    },
    (error: unknown) => {
      failed(error instanceof Error ? error : new Error(String(error)));
      span.end();
      throw error;
    },
  );
}
