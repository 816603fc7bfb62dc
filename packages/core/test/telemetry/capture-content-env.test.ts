/**
 * OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT (the variable OpenTelemetry's GenAI
 * instrumentations read) turns content capture on without code; configureTelemetry wins over it.
 */
import { MockLLM, configureTelemetry } from "../../src";
import { installInMemoryTelemetry } from "./in-memory-telemetry";

const telemetry = installInMemoryTelemetry();
process.env.OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT = "true";

it("records content when the environment asks for it, and not once configureTelemetry says no", async () => {
  await new MockLLM({ modelName: "m" }).generate("what the user typed");
  expect(JSON.parse(telemetry.spans()[0]!.attributes["gen_ai.input.messages"] as string)).toEqual([{ role: "user", parts: [{ type: "text", content: "what the user typed" }] }]);

  await telemetry.reset();
  configureTelemetry({ captureContent: false });
  await new MockLLM({ modelName: "m" }).generate("what the user typed");
  expect(telemetry.spans()[0]!.attributes["gen_ai.input.messages"]).toBeUndefined();
});
