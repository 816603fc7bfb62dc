import { context, metrics, trace } from "@opentelemetry/api";
import { AsyncLocalStorageContextManager } from "@opentelemetry/context-async-hooks";
import { AggregationTemporality, type DataPoint, type Histogram, InMemoryMetricExporter, MeterProvider, PeriodicExportingMetricReader } from "@opentelemetry/sdk-metrics";
import { BasicTracerProvider, InMemorySpanExporter, type ReadableSpan, SimpleSpanProcessor } from "@opentelemetry/sdk-trace-base";

/**
 * An OpenTelemetry SDK that keeps what it records in memory. The API is a process-wide singleton
 * (per Jest test file): install it once per file, `reset()` between tests.
 */
export interface InMemoryTelemetry {
  spans(): ReadableSpan[];
  /** Every data point of a metric, by name, after a flush. */
  points(name: string): Promise<DataPoint<number | Histogram>[]>;
  /** Forgets what was recorded so far (metrics included: they are collected and dropped). */
  reset(): Promise<void>;
}

export function installInMemoryTelemetry(): InMemoryTelemetry {
  const spanExporter = new InMemorySpanExporter();
  const metricExporter = new InMemoryMetricExporter(AggregationTemporality.DELTA);
  const reader = new PeriodicExportingMetricReader({ exporter: metricExporter, exportIntervalMillis: 3_600_000 });
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  trace.setGlobalTracerProvider(new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(spanExporter)] }));
  metrics.setGlobalMeterProvider(new MeterProvider({ readers: [reader] }));
  return {
    spans: () => spanExporter.getFinishedSpans(),
    async points(name) {
      await reader.forceFlush();
      const found = metricExporter
        .getMetrics()
        .flatMap((resource) => resource.scopeMetrics.flatMap((scope) => scope.metrics))
        .filter((metric) => metric.descriptor.name === name);
      return found.flatMap((metric) => metric.dataPoints as DataPoint<number | Histogram>[]);
    },
    async reset() {
      await reader.forceFlush();
      spanExporter.reset();
      metricExporter.reset();
    },
  };
}

/** A span as plain data, to compare whole: name, kind, attributes, status, events (names and attributes). */
export function describeSpan(span: ReadableSpan) {
  return {
    name: span.name,
    kind: span.kind,
    attributes: span.attributes,
    status: span.status,
    events: span.events.map((event) => ({ name: event.name, ...(event.attributes && Object.keys(event.attributes).length ? { attributes: event.attributes } : {}) })),
  };
}

export function parentId(span: ReadableSpan): string | undefined {
  return span.parentSpanContext?.spanId;
}
