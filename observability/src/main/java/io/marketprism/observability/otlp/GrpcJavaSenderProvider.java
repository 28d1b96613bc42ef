package io.marketprism.observability.otlp;

import io.opentelemetry.sdk.common.export.GrpcSender;
import io.opentelemetry.sdk.common.export.GrpcSenderConfig;
import io.opentelemetry.sdk.common.export.GrpcSenderProvider;

/**
 * Lets the OTLP exporter speak gRPC ({@code OTEL_EXPORTER_OTLP_PROTOCOL=grpc}) over the grpc-java the services
 * already run on. OpenTelemetry's own grpc-java sender is not published for the SDK version we use, and its OkHttp
 * sender would bring Kotlin's runtime; the exporter finds this one through {@link java.util.ServiceLoader}.
 */
public final class GrpcJavaSenderProvider implements GrpcSenderProvider {

  @Override
  public GrpcSender createSender(GrpcSenderConfig config) {
    return new GrpcJavaSender(config);
  }
}
