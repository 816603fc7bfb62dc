import type { Counter, Histogram, MeterProvider } from "@opentelemetry/api";
import { DURATION_BUCKETS, METRICS, TOKEN_BUCKETS } from "./gen-ai-attributes";
import { type OpenTelemetryApi } from "./open-telemetry-api";

/** The GenAI client metrics of model calls. */
export interface ClientInstruments {
  operationDuration: Histogram;
  tokenUsage: Histogram;
  timeToFirstChunk: Histogram;
  estimatedCost: Counter;
}

export const INSTRUMENTATION_SCOPE = "@ragbits/core";

let cachedFor: MeterProvider | undefined;
let cached: ClientInstruments | undefined;

/**
 * The instruments of the meter provider registered now, or `undefined` when none is (the no-op
 * provider). The metrics API has no proxy: a meter taken before an SDK is registered stays a no-op
 * forever, so the provider is looked up on every call (one global read) and the instruments are
 * made again when it changed.
 */
export function clientInstruments(api: OpenTelemetryApi): ClientInstruments | undefined {
  const provider = api.metrics.getMeterProvider();
  if (provider === cachedFor) return cached;
  cachedFor = provider;
  const meter = provider.getMeter(INSTRUMENTATION_SCOPE);
  if (meter === api.createNoopMeter()) return (cached = undefined);
  cached = {
    operationDuration: meter.createHistogram(METRICS.operationDuration, { description: "GenAI operation duration.", unit: "s", advice: { explicitBucketBoundaries: DURATION_BUCKETS } }),
    tokenUsage: meter.createHistogram(METRICS.tokenUsage, { description: "Number of input and output tokens used.", unit: "{token}", advice: { explicitBucketBoundaries: TOKEN_BUCKETS } }),
    timeToFirstChunk: meter.createHistogram(METRICS.timeToFirstChunk, {
      description: "Time to receive the first chunk of a streamed answer, from the request.",
      unit: "s",
      advice: { explicitBucketBoundaries: DURATION_BUCKETS },
    }),
    estimatedCost: meter.createCounter(METRICS.estimatedCost, { description: "What model calls cost, from the model's prices (when known).", unit: "[USD]" }),
  };
  return cached;
}
