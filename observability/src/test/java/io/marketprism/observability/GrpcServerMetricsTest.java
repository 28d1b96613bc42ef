package io.marketprism.observability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.ServerInterceptors;
import io.grpc.StatusRuntimeException;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.testing.protobuf.SimpleRequest;
import io.grpc.testing.protobuf.SimpleServiceGrpc;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class GrpcServerMetricsTest {

  private final InMemoryTelemetry observed = new InMemoryTelemetry("test-service");
  private Server server;
  private ManagedChannel channel;
  private MetricsServer metrics;

  @BeforeEach
  void start() throws Exception {
    String name = InProcessServerBuilder.generateName();
    server =
        InProcessServerBuilder.forName(name)
            .addService(ServerInterceptors.interceptForward(new EchoService(), observed.telemetry.serverInterceptors()))
            .build()
            .start();
    channel = InProcessChannelBuilder.forName(name).build();
    metrics = MetricsServer.start("127.0.0.1", 0, observed.registry);
  }

  @AfterEach
  void stop() {
    metrics.close();
    channel.shutdownNow();
    server.shutdownNow();
  }

  @Test
  void metricsEndpointServesGrpcCountersAfterCalls() throws Exception {
    SimpleServiceGrpc.SimpleServiceBlockingStub stub = SimpleServiceGrpc.newBlockingStub(channel);
    stub.unaryRpc(SimpleRequest.newBuilder().setRequestMessage("hi").build());
    stub.unaryRpc(SimpleRequest.newBuilder().setRequestMessage("again").build());
    assertThatThrownBy(() -> stub.unaryRpc(SimpleRequest.newBuilder().setRequestMessage("fail").build()))
        .isInstanceOf(StatusRuntimeException.class);

    HttpResponse<String> response =
        HttpClient.newHttpClient()
            .send(HttpRequest.newBuilder(URI.create(metrics.url())).build(), HttpResponse.BodyHandlers.ofString());

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body())
        .contains(
            "grpc_server_started_total{grpc_method=\"UnaryRpc\",grpc_service=\"grpc.testing.SimpleService\","
                + "grpc_type=\"unary\"} 3.0")
        .contains(
            "grpc_server_handled_total{grpc_code=\"OK\",grpc_method=\"UnaryRpc\","
                + "grpc_service=\"grpc.testing.SimpleService\",grpc_type=\"unary\"} 2.0")
        .contains(
            "grpc_server_handled_total{grpc_code=\"INVALID_ARGUMENT\",grpc_method=\"UnaryRpc\","
                + "grpc_service=\"grpc.testing.SimpleService\",grpc_type=\"unary\"} 1.0")
        .contains(
            "grpc_server_handling_seconds_count{grpc_method=\"UnaryRpc\",grpc_service=\"grpc.testing.SimpleService\","
                + "grpc_type=\"unary\"} 3");
  }
}
