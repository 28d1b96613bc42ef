package io.marketprism.observability;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class OpenTelemetryFactoryTest {

  @Test
  void tracesAreNotExportedWithoutAnOtlpEndpoint() {
    assertThat(OpenTelemetryFactory.defaults(Map.of()))
        .containsEntry("otel.traces.exporter", "none")
        .containsEntry("otel.metrics.exporter", "none")
        .containsEntry("otel.logs.exporter", "none");
  }

  @Test
  void tracesAreExportedOverOtlpWhenAnEndpointIsSet() {
    assertThat(OpenTelemetryFactory.defaults(Map.of("OTEL_EXPORTER_OTLP_ENDPOINT", "http://jaeger:4318")))
        .containsEntry("otel.traces.exporter", "otlp")
        .containsEntry("otel.exporter.otlp.protocol", "http/protobuf");
    assertThat(OpenTelemetryFactory.defaults(Map.of("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "http://j:4318/v1/traces")))
        .containsEntry("otel.traces.exporter", "otlp");
  }

  @Test
  void sdkFromEnvironmentNamesTheServiceAndStillCreatesSpans() {
    try (var sdk = OpenTelemetryFactory.fromEnvironment("data-storage", "1.2.3", Map.of())) {
      var span = sdk.getTracer("test").spanBuilder("work").startSpan();
      assertThat(span.getSpanContext().isValid()).isTrue();
      span.end();
      assertThat(sdk.getSdkTracerProvider().toString()).contains("service.name=\"data-storage\"");
    }
  }
}
