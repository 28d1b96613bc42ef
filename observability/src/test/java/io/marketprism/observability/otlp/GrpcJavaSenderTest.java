package io.marketprism.observability.otlp;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.Grpc;
import io.grpc.InsecureServerCredentials;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Server;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import io.grpc.protobuf.ProtoUtils;
import io.grpc.stub.ServerCalls;
import io.marketprism.observability.OpenTelemetryFactory;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.exporter.otlp.trace.OtlpGrpcSpanExporter;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.testing.trace.TestSpanData;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.data.StatusData;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A service's SDK, built from its configuration with {@code otel.exporter.otlp.protocol=grpc} (the system-property
 * twin of {@code OTEL_EXPORTER_OTLP_PROTOCOL}), exports through {@link GrpcJavaSender} to a real OTLP/gRPC server
 * on loopback.
 */
class GrpcJavaSenderTest {

  private static final MethodDescriptor<ExportTraceServiceRequest, ExportTraceServiceResponse> EXPORT =
      MethodDescriptor.<ExportTraceServiceRequest, ExportTraceServiceResponse>newBuilder()
          .setType(MethodDescriptor.MethodType.UNARY)
          .setFullMethodName("opentelemetry.proto.collector.trace.v1.TraceService/Export")
          .setRequestMarshaller(ProtoUtils.marshaller(ExportTraceServiceRequest.getDefaultInstance()))
          .setResponseMarshaller(ProtoUtils.marshaller(ExportTraceServiceResponse.getDefaultInstance()))
          .build();

  private static final Metadata.Key<String> AUTHORIZATION =
      Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);

  private final List<ExportTraceServiceRequest> received = new CopyOnWriteArrayList<>();
  private final List<String> authorizations = new CopyOnWriteArrayList<>();
  private Server server;

  @AfterEach
  void stop() {
    if (server != null) {
      server.shutdownNow();
    }
  }

  @Test
  void spansReachAnOtlpGrpcReceiverWithTheConfiguredHeaders() throws Exception {
    start(Status.OK);

    CompletableResultCode flushed = exportOneSpan("checkout");

    assertThat(flushed.isSuccess()).isTrue();
    assertThat(received).hasSize(1);
    var resourceSpans = received.get(0).getResourceSpans(0);
    assertThat(resourceSpans.getResource().getAttributesList())
        .anySatisfy(attribute -> {
          assertThat(attribute.getKey()).isEqualTo("service.name");
          assertThat(attribute.getValue().getStringValue()).isEqualTo("grpc-export-test");
        });
    assertThat(resourceSpans.getScopeSpans(0).getSpans(0).getName()).isEqualTo("checkout");
    assertThat(authorizations).containsExactly("Bearer secret");
  }

  @Test
  void aReceiverRefusingTheExportFailsTheExport() throws Exception {
    start(Status.UNAVAILABLE.withDescription("overloaded"));
    SpanData span = TestSpanData.builder()
        .setName("refused")
        .setKind(SpanKind.INTERNAL)
        .setSpanContext(SpanContext.create("0af7651916cd43dd8448eb211c80319c", "b7ad6b7169203331",
            TraceFlags.getSampled(), TraceState.getDefault()))
        .setStartEpochNanos(1)
        .setEndEpochNanos(2)
        .setHasEnded(true)
        .setStatus(StatusData.unset())
        .build();

    try (OtlpGrpcSpanExporter exporter = OtlpGrpcSpanExporter.builder()
        .setEndpoint("http://127.0.0.1:" + server.getPort())
        .build()) {
      CompletableResultCode exported = exporter.export(List.of(span)).join(30, TimeUnit.SECONDS);

      assertThat(exported.isDone()).isTrue();
      assertThat(exported.isSuccess()).isFalse();
    }
    assertThat(received).isNotEmpty();
  }

  private void start(Status answer) throws Exception {
    ServerServiceDefinition traces =
        ServerServiceDefinition.builder("opentelemetry.proto.collector.trace.v1.TraceService")
            .addMethod(EXPORT, ServerCalls.asyncUnaryCall((request, responses) -> {
              received.add(request);
              if (answer.isOk()) {
                responses.onNext(ExportTraceServiceResponse.getDefaultInstance());
                responses.onCompleted();
              } else {
                responses.onError(answer.asRuntimeException());
              }
            }))
            .build();
    ServerInterceptor headers = new ServerInterceptor() {
      @Override
      public <Q, R> ServerCall.Listener<Q> interceptCall(
          ServerCall<Q, R> call, Metadata metadata, ServerCallHandler<Q, R> next) {
        authorizations.add(metadata.get(AUTHORIZATION));
        return next.startCall(call, metadata);
      }
    };
    server = Grpc.newServerBuilderForPort(0, InsecureServerCredentials.create())
        .addService(ServerInterceptors.intercept(traces, headers))
        .build()
        .start();
  }

  private CompletableResultCode exportOneSpan(String name) {
    Map<String, String> otel = Map.of(
        "otel.exporter.otlp.endpoint", "http://127.0.0.1:" + server.getPort(),
        "otel.exporter.otlp.protocol", "grpc",
        "otel.exporter.otlp.headers", "authorization=Bearer secret",
        "otel.traces.exporter", "otlp");
    otel.forEach(System::setProperty);
    try (OpenTelemetrySdk sdk = OpenTelemetryFactory.fromEnvironment("grpc-export-test", "1")) {
      sdk.getTracer("test").spanBuilder(name).startSpan().end();
      return sdk.getSdkTracerProvider().forceFlush().join(30, TimeUnit.SECONDS);
    } finally {
      otel.keySet().forEach(System::clearProperty);
    }
  }
}
