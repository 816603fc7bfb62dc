import type { Counter, Histogram, MeterProvider, UpDownCounter } from "@opentelemetry/api";
import { CHAT_METRICS, INSTRUMENTATION_SCOPE } from "./chat-attributes";
import { type OpenTelemetryApi } from "./open-telemetry-api";

export interface ChatInstruments {
  turns: Counter;
  turnDuration: Histogram;
  timeToFirstToken: Histogram;
  activeStreams: UpDownCounter;
  historyLength: Histogram;
}

const SECONDS = [0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56, 5.12, 10.24, 20.48, 40.96, 81.92];
const MESSAGES = [0, 1, 2, 4, 8, 16, 32, 64, 128, 256, 512];

let cachedFor: MeterProvider | undefined;
let cached: ChatInstruments | undefined;

/**
 * The chat metrics of the meter provider registered now; `undefined` with the no-op provider. A
 * meter taken before an SDK is registered stays a no-op, so the provider is looked up each turn.
 */
export function chatInstruments(api: OpenTelemetryApi): ChatInstruments | undefined {
  const provider = api.metrics.getMeterProvider();
  if (provider === cachedFor) return cached;
  cachedFor = provider;
  const meter = provider.getMeter(INSTRUMENTATION_SCOPE);
  if (meter === api.createNoopMeter()) return (cached = undefined);
  cached = {
    turns: meter.createCounter(CHAT_METRICS.turns, { description: "Chat turns, by how they ended.", unit: "{turn}" }),
    turnDuration: meter.createHistogram(CHAT_METRICS.turnDuration, { description: "From the request to the end of the turn's stream.", unit: "s", advice: { explicitBucketBoundaries: SECONDS } }),
    timeToFirstToken: meter.createHistogram(CHAT_METRICS.timeToFirstToken, {
      description: "Server side: from the request to the turn's first text event.",
      unit: "s",
      advice: { explicitBucketBoundaries: SECONDS },
    }),
    activeStreams: meter.createUpDownCounter(CHAT_METRICS.activeStreams, { description: "Chat turns streaming now.", unit: "{stream}" }),
    historyLength: meter.createHistogram(CHAT_METRICS.historyLength, { description: "Messages of history a turn arrived with.", unit: "{message}", advice: { explicitBucketBoundaries: MESSAGES } }),
  };
  return cached;
}
