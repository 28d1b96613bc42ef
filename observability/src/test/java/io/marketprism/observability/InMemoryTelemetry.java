package io.marketprism.observability;

import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

/** A {@link Telemetry} whose spans land in memory, exported as soon as they end. */
final class InMemoryTelemetry {

  final InMemorySpanExporter spans = InMemorySpanExporter.create();
  final PrometheusRegistry registry = new PrometheusRegistry();
  final Telemetry telemetry;

  InMemoryTelemetry(String serviceName) {
    OpenTelemetrySdk sdk =
        OpenTelemetrySdk.builder()
            .setTracerProvider(
                SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(spans)).build())
            .setPropagators(ContextPropagators.create(W3CTraceContextPropagator.getInstance()))
            .build();
    telemetry = Telemetry.of(serviceName, sdk, registry);
  }
}
