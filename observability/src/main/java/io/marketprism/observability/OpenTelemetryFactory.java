package io.marketprism.observability;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.autoconfigure.AutoConfiguredOpenTelemetrySdk;
import io.opentelemetry.sdk.resources.Resource;
import java.util.HashMap;
import java.util.Map;

/**
 * Builds the OpenTelemetry SDK from the standard {@code OTEL_*} environment variables, with MarketPrism's defaults.
 *
 * <p>Defaults (each overridden by the matching {@code OTEL_*} variable or {@code otel.*} system property):
 *
 * <ul>
 *   <li>{@code otel.traces.exporter}: {@code otlp} when {@code OTEL_EXPORTER_OTLP_ENDPOINT} or
 *       {@code OTEL_EXPORTER_OTLP_TRACES_ENDPOINT} is set, else {@code none}. Autoconfigure alone would export to
 *       localhost:4317 and log a connection error every few seconds on a machine without a collector. With
 *       {@code none}, spans are still created and propagated (W3C {@code traceparent}), so logs carry trace ids
 *       (see {@link AlwaysRecordSpanProcessor}).
 *   <li>{@code otel.metrics.exporter} and {@code otel.logs.exporter}: {@code none}; metrics are scraped by
 *       Prometheus and logs go to stdout as JSON.
 *   <li>{@code otel.exporter.otlp.protocol}: {@code http/protobuf} (port 4318), sent through the JDK's HttpClient (no
 *       OkHttp, no Kotlin on the class path), so that the deployments' endpoints keep working. {@code grpc} (port 4317)
 *       is sent over grpc-java by {@link io.marketprism.observability.otlp.GrpcJavaSenderProvider}.
 * </ul>
 *
 * <p>The resource's {@code service.name} is always the service's own name, whatever {@code OTEL_SERVICE_NAME} says,
 * so a launcher that exports one environment to every process cannot make them all look alike.
 */
public final class OpenTelemetryFactory {

  private static final AttributeKey<String> SERVICE_NAME = AttributeKey.stringKey("service.name");
  private static final AttributeKey<String> SERVICE_VERSION = AttributeKey.stringKey("service.version");

  private OpenTelemetryFactory() {}

  /** Builds an SDK for {@code serviceName} configured from the process environment and system properties. */
  public static OpenTelemetrySdk fromEnvironment(String serviceName, String serviceVersion) {
    return fromEnvironment(serviceName, serviceVersion, System.getenv());
  }

  /**
   * Builds an SDK for {@code serviceName}; {@code env} decides only the defaults above (autoconfigure itself still
   * reads the real environment).
   */
  static OpenTelemetrySdk fromEnvironment(String serviceName, String serviceVersion, Map<String, String> env) {
    Resource identity =
        Resource.create(
            Attributes.of(
                SERVICE_NAME, serviceName,
                SERVICE_VERSION, serviceVersion));
    return AutoConfiguredOpenTelemetrySdk.builder()
        .addPropertiesSupplier(() -> defaults(env))
        .addResourceCustomizer((resource, config) -> resource.merge(identity))
        .addTracerProviderCustomizer((tracing, config) -> tracing.addSpanProcessor(new AlwaysRecordSpanProcessor()))
        .disableShutdownHook() // the service kit flushes telemetry as the last step of its own shutdown
        .build()
        .getOpenTelemetrySdk();
  }

  /** The defaults handed to autoconfigure; explicit {@code OTEL_*} settings win over every one of them. */
  static Map<String, String> defaults(Map<String, String> env) {
    Map<String, String> defaults = new HashMap<>();
    defaults.put("otel.traces.exporter", otlpEndpointConfigured(env) ? "otlp" : "none");
    defaults.put("otel.metrics.exporter", "none");
    defaults.put("otel.logs.exporter", "none");
    defaults.put("otel.exporter.otlp.protocol", "http/protobuf");
    return defaults;
  }

  private static boolean otlpEndpointConfigured(Map<String, String> env) {
    return isSet(env.get("OTEL_EXPORTER_OTLP_ENDPOINT")) || isSet(env.get("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"));
  }

  private static boolean isSet(String value) {
    return value != null && !value.isBlank();
  }
}
