package io.marketprism.observability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.ServerInterceptors;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.testing.protobuf.SimpleRequest;
import io.grpc.testing.protobuf.SimpleServiceGrpc;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.context.Scope;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class GrpcTracingTest {

  private final InMemoryTelemetry observed = new InMemoryTelemetry("test-service");
  private final EchoService echo = new EchoService();
  private Server server;
  private ManagedChannel channel;

  @BeforeEach
  void startServer() throws Exception {
    String name = InProcessServerBuilder.generateName();
    server =
        InProcessServerBuilder.forName(name)
            .addService(ServerInterceptors.interceptForward(echo, observed.telemetry.serverInterceptors()))
            .build()
            .start();
    channel =
        InProcessChannelBuilder.forName(name).intercept(observed.telemetry.clientInterceptor()).build();
  }

  @AfterEach
  void stopServer() {
    channel.shutdownNow();
    server.shutdownNow();
    observed.telemetry.close();
  }

  @Test
  void parentContextPropagatesFromClientToServerSpan() {
    Span parent = observed.telemetry.tracer("test").spanBuilder("caller").startSpan();
    try (Scope ignored = parent.makeCurrent()) {
      SimpleServiceGrpc.newBlockingStub(channel)
          .unaryRpc(SimpleRequest.newBuilder().setRequestMessage("hi").build());
    } finally {
      parent.end();
    }

    // The server span ends when the server finishes the call, which may be just after the client has its answer.
    await().until(() -> observed.spans.getFinishedSpanItems().size() == 3);
    List<SpanData> spans = observed.spans.getFinishedSpanItems();
    SpanData client = only(spans, SpanKind.CLIENT);
    SpanData server = only(spans, SpanKind.SERVER);
    String traceId = parent.getSpanContext().getTraceId();
    assertThat(client.getName()).isEqualTo("grpc.testing.SimpleService/UnaryRpc");
    assertThat(client.getTraceId()).isEqualTo(traceId);
    assertThat(client.getParentSpanId()).isEqualTo(parent.getSpanContext().getSpanId());
    assertThat(server.getTraceId()).isEqualTo(traceId);
    assertThat(server.getParentSpanId()).isEqualTo(client.getSpanId());
    assertThat(echo.spanSeenByHandler.get().getSpanId()).isEqualTo(server.getSpanId());
  }

  @Test
  void serverSpanStartsItsOwnTraceWithoutCallerContext() {
    SimpleServiceGrpc.newBlockingStub(channel).unaryRpc(SimpleRequest.newBuilder().setRequestMessage("hi").build());
    await().until(() -> observed.spans.getFinishedSpanItems().size() == 2);

    SpanData client = only(observed.spans.getFinishedSpanItems(), SpanKind.CLIENT);
    SpanData server = only(observed.spans.getFinishedSpanItems(), SpanKind.SERVER);
    assertThat(client.getParentSpanContext().isValid()).isFalse();
    assertThat(server.getTraceId()).isEqualTo(client.getTraceId());
  }

  private static SpanData only(List<SpanData> spans, SpanKind kind) {
    List<SpanData> ofKind = spans.stream().filter(span -> span.getKind() == kind).toList();
    assertThat(ofKind).as("%s spans", kind).hasSize(1);
    return ofKind.get(0);
  }
}
