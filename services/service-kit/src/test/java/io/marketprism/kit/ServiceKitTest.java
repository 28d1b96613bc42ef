package io.marketprism.kit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.google.common.util.concurrent.ListenableFuture;
import io.grpc.Context;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.reflection.v1.ServerReflectionGrpc;
import io.grpc.reflection.v1.ServerReflectionRequest;
import io.grpc.reflection.v1.ServerReflectionResponse;
import io.grpc.reflection.v1.ServiceResponse;
import io.grpc.stub.StreamObserver;
import io.grpc.testing.protobuf.SimpleRequest;
import io.grpc.testing.protobuf.SimpleResponse;
import io.grpc.testing.protobuf.SimpleServiceGrpc;
import io.marketprism.kit.TestServices.EchoService;
import io.marketprism.kit.config.ServiceConfig;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The kit on a real Netty server on loopback, as a service runs it. */
class ServiceKitTest {

  private final InMemorySpanExporter spans = InMemorySpanExporter.create();
  private final List<RunningService> running = new ArrayList<>();
  private final List<ManagedChannel> channels = new ArrayList<>();

  @AfterEach
  void tearDown() {
    channels.forEach(ManagedChannel::shutdownNow);
    running.forEach(RunningService::stop);
  }

  @Test
  void healthIsServingAfterStartForTheServerAndEachService() {
    RunningService service = start(new EchoService(), Map.of());

    HealthGrpc.HealthBlockingStub health = HealthGrpc.newBlockingStub(channelTo(service));
    assertThat(status(health, "")).isEqualTo(ServingStatus.SERVING);
    assertThat(status(health, "grpc.testing.SimpleService")).isEqualTo(ServingStatus.SERVING);
    assertThat(service.grpcAddress().getPort()).isPositive();
  }

  @Test
  void healthGoesNotServingDuringDrainWhileAnInFlightCallFinishes() throws Exception {
    EchoService echo = new EchoService();
    RunningService service = start(echo, Map.of("MARKETPRISM_GRPC_SHUTDOWN_GRACE", "1m"));
    ManagedChannel channel = channelTo(service);
    ListenableFuture<SimpleResponse> inFlight = SimpleServiceGrpc.newFutureStub(channel).unaryRpc(request("block"));
    assertThat(echo.callEntered.await(10, TimeUnit.SECONDS)).isTrue();

    BlockingQueue<ServingStatus> watched = new LinkedBlockingQueue<>();
    Context.CancellableContext watching = Context.current().withCancellation();
    watching.run(() -> HealthGrpc.newStub(channel).watch(HealthCheckRequest.getDefaultInstance(), collectInto(watched)));
    assertThat(watched.poll(10, TimeUnit.SECONDS)).isEqualTo(ServingStatus.SERVING);

    CompletableFuture<Void> stopping = CompletableFuture.runAsync(service::stop);

    assertThat(watched.poll(10, TimeUnit.SECONDS)).isEqualTo(ServingStatus.NOT_SERVING);
    assertThat(inFlight.isDone()).as("the in-flight call is still running while draining").isFalse();
    watching.cancel(null); // the watch is an in-flight call too; a real health checker would also go away
    echo.release.countDown();

    assertThat(inFlight.get(10, TimeUnit.SECONDS).getResponseMessage()).isEqualTo("block");
    stopping.get(10, TimeUnit.SECONDS);
  }

  @Test
  void callsStillRunningWhenTheGraceEndsAreCancelled() throws Exception {
    EchoService echo = new EchoService();
    RunningService service = start(echo, Map.of("MARKETPRISM_GRPC_SHUTDOWN_GRACE", "200ms"));
    ListenableFuture<SimpleResponse> inFlight =
        SimpleServiceGrpc.newFutureStub(channelTo(service)).unaryRpc(request("block"));
    assertThat(echo.callEntered.await(10, TimeUnit.SECONDS)).isTrue();

    service.stop();

    assertThat(echo.handlerSawCancellation.await(10, TimeUnit.SECONDS)).isTrue();
    assertThatThrownBy(() -> inFlight.get(10, TimeUnit.SECONDS))
        .isInstanceOf(ExecutionException.class)
        .cause()
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> assertThat(e.getStatus().getCode()).isIn(Status.Code.UNAVAILABLE, Status.Code.CANCELLED));
  }

  @Test
  void reflectionListsTheServices() throws Exception {
    RunningService service = start(new EchoService(), Map.of());

    CompletableFuture<ServerReflectionResponse> answer = new CompletableFuture<>();
    StreamObserver<ServerReflectionRequest> requests =
        ServerReflectionGrpc.newStub(channelTo(service)).serverReflectionInfo(completeWith(answer));
    requests.onNext(ServerReflectionRequest.newBuilder().setListServices("").build());
    requests.onCompleted();

    List<String> names =
        answer.get(10, TimeUnit.SECONDS).getListServicesResponse().getServiceList().stream()
            .map(ServiceResponse::getName)
            .toList();
    assertThat(names)
        .contains(
            "grpc.testing.SimpleService",
            "grpc.health.v1.Health",
            "grpc.reflection.v1.ServerReflection",
            "grpc.reflection.v1alpha.ServerReflection");
  }

  @Test
  void metricsEndpointServesGrpcCountersAfterACall() throws Exception {
    RunningService service = start(new EchoService(), Map.of());
    SimpleServiceGrpc.newBlockingStub(channelTo(service)).unaryRpc(request("hi"));

    InetSocketAddress metrics = service.metricsAddress().orElseThrow();
    HttpResponse<String> response =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + metrics.getPort() + "/metrics")).build(),
                HttpResponse.BodyHandlers.ofString());

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body())
        .contains(
            "grpc_server_handled_total{grpc_code=\"OK\",grpc_method=\"UnaryRpc\","
                + "grpc_service=\"grpc.testing.SimpleService\",grpc_type=\"unary\"} 1.0");
  }

  @Test
  void metricsEndpointCanBeTurnedOff() {
    RunningService service = start(new EchoService(), Map.of("MARKETPRISM_METRICS_ENABLED", "false"));

    assertThat(service.metricsAddress()).isEmpty();
  }

  @Test
  void channelsReachAPeerAndCarryTheTrace() {
    RunningService callee = start(new EchoService(), Map.of());
    EchoService caller = new EchoService();
    start(caller, Map.of("MARKETPRISM_PEERS_ECHO", "127.0.0.1:" + callee.grpcAddress().getPort()));
    spans.reset();

    SimpleResponse answer =
        SimpleServiceGrpc.newBlockingStub(caller.context.get().channels().forService("echo")).unaryRpc(request("hi"));

    assertThat(answer.getResponseMessage()).isEqualTo("hi");
    await().until(() -> spans.getFinishedSpanItems().size() == 2);
    SpanData client = kind(SpanKind.CLIENT);
    SpanData server = kind(SpanKind.SERVER);
    assertThat(server.getTraceId()).isEqualTo(client.getTraceId());
    assertThat(server.getParentSpanId()).isEqualTo(client.getSpanId());
  }

  @Test
  void channelToAnUnknownServiceNamesTheMissingSetting() {
    EchoService echo = new EchoService();
    start(echo, Map.of());

    assertThatThrownBy(() -> echo.context.get().channels().forService("data-storage"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("peers.data-storage")
        .hasMessageContaining("MARKETPRISM_PEERS_DATA_STORAGE");
  }

  @Test
  void startFailsCleanlyWhenThePortIsTaken() throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      ServiceConfig config =
          TestServices.config(Map.of("MARKETPRISM_GRPC_PORT", String.valueOf(taken.getLocalPort())));

      assertThatThrownBy(() -> ServiceKit.builder(new EchoService(), config).telemetry(TestServices.telemetry(spans)).start())
          .isInstanceOf(StartupException.class)
          .hasMessageStartingWith("echo failed to start: ");
    }
  }

  @Test
  void stopIsIdempotent() {
    RunningService service = start(new EchoService(), Map.of());

    service.stop();
    service.stop();

    assertThatThrownBy(() -> HealthGrpc.newBlockingStub(channelTo(service)).check(HealthCheckRequest.getDefaultInstance()))
        .isInstanceOf(StatusRuntimeException.class);
  }

  private RunningService start(EchoService service, Map<String, String> environment) {
    RunningService started =
        ServiceKit.builder(service, TestServices.config(environment)).telemetry(TestServices.telemetry(spans)).start();
    running.add(started);
    return started;
  }

  private ManagedChannel channelTo(RunningService service) {
    ManagedChannel channel =
        Grpc.newChannelBuilderForAddress("127.0.0.1", service.grpcAddress().getPort(), InsecureChannelCredentials.create())
            .build();
    channels.add(channel);
    return channel;
  }

  private SpanData kind(SpanKind kind) {
    return spans.getFinishedSpanItems().stream().filter(s -> s.getKind() == kind).findFirst().orElseThrow();
  }

  private static SimpleRequest request(String message) {
    return SimpleRequest.newBuilder().setRequestMessage(message).build();
  }

  private static ServingStatus status(HealthGrpc.HealthBlockingStub health, String service) {
    return health.check(HealthCheckRequest.newBuilder().setService(service).build()).getStatus();
  }

  private static StreamObserver<HealthCheckResponse> collectInto(BlockingQueue<ServingStatus> statuses) {
    return new StreamObserver<>() {
      @Override
      public void onNext(HealthCheckResponse response) {
        statuses.add(response.getStatus());
      }

      @Override
      public void onError(Throwable t) {}

      @Override
      public void onCompleted() {}
    };
  }

  private static <T> StreamObserver<T> completeWith(CompletableFuture<T> future) {
    return new StreamObserver<>() {
      @Override
      public void onNext(T value) {
        future.complete(value);
      }

      @Override
      public void onError(Throwable t) {
        future.completeExceptionally(t);
      }

      @Override
      public void onCompleted() {}
    };
  }
}
