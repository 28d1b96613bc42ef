package io.marketprism.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.rpc.BadRequest;
import com.linecorp.armeria.client.grpc.GrpcClients;
import com.linecorp.armeria.common.AggregatedHttpResponse;
import com.linecorp.armeria.common.HttpHeaderNames;
import com.linecorp.armeria.common.HttpMethod;
import com.linecorp.armeria.common.RequestHeaders;
import com.linecorp.armeria.common.grpc.GrpcSerializationFormats;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;
import io.marketprism.storage.v1.ListTradesRequest;
import io.marketprism.storage.v1.ListTradesResponse;
import io.marketprism.storage.v1.ReplayEventsRequest;
import io.marketprism.storage.v1.StorageServiceGrpc;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The gateway's routing through real HTTP and gRPC, in front of an upstream on a real port that shows what reached
 * it: REST, native gRPC and gRPC-Web forwarded with the caller and a deadline; upstream errors in the shapes gRPC and
 * grpc-gateway users know; an upstream that dies mid-call; live streams as SSE and WebSocket, resumed with
 * Last-Event-ID, and a slow reader dropped with the gateway's memory bounded.
 */
class GatewayRoutingTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;
  private FakeStorage upstream;
  private GatewayHarness gateway;

  @BeforeEach
  void start() throws Exception {
    upstream = new FakeStorage();
    gateway =
        new GatewayHarness(
            dir,
            Map.of("data-storage", upstream.address()),
            Map.of("MARKETPRISM_ROUTING_DEFAULT_TIMEOUT", "3s", "MARKETPRISM_ROUTING_STREAM_BUFFER", "16"));
  }

  @AfterEach
  void stop() {
    gateway.close();
    upstream.close();
  }

  @Test
  void restCallReachesTheServiceWithTheCallerAndTheRouteDeadline() throws Exception {
    AggregatedHttpResponse response =
        get("/v1/trades/binance/BTC-USDT?limit=5&start_time_ns=1700000000000000000", gateway.bearer("reader"));

    assertThat(response.status().code()).isEqualTo(200);
    JsonNode body = JSON.readTree(response.contentUtf8());
    JsonNode trade = body.get("trades").get(0);
    assertThat(trade.get("price").asText()).isEqualTo("42219.90000001");
    // the contracts' own field names, 64-bit integers as strings (proto3 JSON)
    assertThat(trade.get("exchange_time_ns").asText()).isEqualTo("1700000000000000001");
    assertThat(body.get("next_page_token").asText()).isEqualTo("next");

    FakeStorage.Seen call = upstream.next();
    ListTradesRequest request = (ListTradesRequest) call.request();
    assertThat(request.getExchange()).isEqualTo("binance");
    assertThat(request.getSymbol()).isEqualTo("BTC-USDT");
    assertThat(request.getLimit()).isEqualTo(5);
    assertThat(request.getStartTimeNs()).isEqualTo(1_700_000_000_000_000_000L);
    assertThat(call.caller()).isEqualTo("tester-reader;role=reader");
    assertThat(call.deadlineMillis()).isBetween(1_000L, 3_000L);
  }

  @Test
  void restCallIsTracedFromTheCallerThroughTheGatewayToTheService() throws Exception {
    String callerTrace = "4bf92f3577b34da6a3ce929d0e0e4736";
    String callerSpan = "00f067aa0ba902b7";
    AggregatedHttpResponse response =
        gateway.client().execute(RequestHeaders.builder(HttpMethod.GET, "/v1/trades/binance/BTC-USDT?limit=1")
            .set(HttpHeaderNames.AUTHORIZATION, gateway.bearer("reader"))
            .set("traceparent", "00-" + callerTrace + "-" + callerSpan + "-01")
            .build());
    assertThat(response.status().code()).isEqualTo(200);

    // the service saw the trace, with the gateway's client span as its parent
    String seen = upstream.next().traceparent();
    assertThat(seen).startsWith("00-" + callerTrace + "-");
    String upstreamParent = seen.split("-")[2];
    await().atMost(Duration.ofSeconds(10)).until(
        () -> gateway.spans.getFinishedSpanItems().stream().filter(s -> s.getTraceId().equals(callerTrace)).count() >= 2);
    var spans = gateway.spans.getFinishedSpanItems();
    var server = spans.stream().filter(s -> s.getKind() == io.opentelemetry.api.trace.SpanKind.SERVER).findFirst().orElseThrow();
    // (the gateway's start-up health checks of its upstreams are client spans of their own traces)
    var client = spans.stream()
        .filter(s -> s.getKind() == io.opentelemetry.api.trace.SpanKind.CLIENT && s.getTraceId().equals(callerTrace))
        .findFirst().orElseThrow();
    assertThat(server.getTraceId()).isEqualTo(callerTrace);
    assertThat(server.getParentSpanId()).isEqualTo(callerSpan);
    assertThat(server.getName()).isEqualTo("GET marketprism.storage.v1.StorageService/ListTrades");
    assertThat(server.getAttributes().get(io.opentelemetry.api.common.AttributeKey.longKey("http.response.status_code")))
        .isEqualTo(200L);
    assertThat(client.getParentSpanId()).isEqualTo(server.getSpanId());
    assertThat(client.getSpanId()).isEqualTo(upstreamParent);
  }

  @Test
  void grpcCallKeepsItsOwnDeadlineAndTheUpstreamsStatusDetails() throws Exception {
    ManagedChannel channel = gateway.grpcChannel("operator");
    try {
      StorageServiceGrpc.StorageServiceBlockingStub storage = StorageServiceGrpc.newBlockingStub(channel);
      ListTradesResponse ok =
          storage.withDeadlineAfter(800, TimeUnit.MILLISECONDS)
              .listTrades(ListTradesRequest.newBuilder().setExchange("binance").setSymbol("ETH-USDT").build());
      assertThat(ok.getTrades(0).getSymbol()).isEqualTo("ETH-USDT");
      FakeStorage.Seen call = upstream.next();
      assertThat(call.deadlineMillis()).isPositive().isLessThanOrEqualTo(800L);
      assertThat(call.caller()).isEqualTo("tester-operator;role=operator");

      assertThatThrownBy(
              () -> storage.listTrades(ListTradesRequest.newBuilder().setExchange("binance").setSymbol("BAD-USDT").build()))
          .isInstanceOfSatisfying(
              StatusRuntimeException.class,
              e -> {
                assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
                assertThat(StatusProto.fromThrowable(e).getDetails(0).is(BadRequest.class)).isTrue();
              });
    } finally {
      channel.shutdownNow();
    }
  }

  @Test
  void restErrorIsTheConventionalStatusWithAJsonGoogleRpcStatusAndItsDetails() throws Exception {
    AggregatedHttpResponse response = get("/v1/trades/binance/BAD-USDT", gateway.bearer("reader"));

    assertThat(response.status().code()).isEqualTo(400);
    JsonNode body = JSON.readTree(response.contentUtf8());
    assertThat(body.get("code").asInt()).isEqualTo(3);
    assertThat(body.get("message").asText()).isEqualTo("limit: must be between 1 and 1000");
    JsonNode detail = body.get("details").get(0);
    assertThat(detail.get("@type").asText()).isEqualTo("type.googleapis.com/google.rpc.BadRequest");
    assertThat(detail.get("fieldViolations").get(0).get("field").asText()).isEqualTo("limit");
  }

  @Test
  void routeDefaultDeadlineEndsACallTheUpstreamNeverAnswers() throws Exception {
    long started = System.nanoTime();
    AggregatedHttpResponse response = get("/v1/trades/binance/HANG-USDT", gateway.bearer("reader"));

    assertThat(response.status().code()).isEqualTo(504);
    assertThat(JSON.readTree(response.contentUtf8()).get("code").asInt()).isEqualTo(Status.Code.DEADLINE_EXCEEDED.value());
    assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(15));
  }

  @Test
  void upstreamKilledMidCallGivesACleanServiceUnavailable() throws Exception {
    String bearer = gateway.bearer("reader");
    CompletableFuture<AggregatedHttpResponse> pending =
        CompletableFuture.supplyAsync(() -> get("/v1/trades/binance/HANG-USDT", bearer));
    assertThat(upstream.hanging.await(10, TimeUnit.SECONDS)).isTrue();

    upstream.server.shutdownNow();

    AggregatedHttpResponse response = pending.get(10, TimeUnit.SECONDS);
    assertThat(response.status().code()).isEqualTo(503);
    JsonNode body = JSON.readTree(response.contentUtf8());
    assertThat(body.get("code").asInt()).isEqualTo(Status.Code.UNAVAILABLE.value());
    assertThat(body.get("message").asText()).isNotBlank();
  }

  @Test
  void serviceWithoutAnAddressAnswersUnavailableNamingIt() throws Exception {
    AggregatedHttpResponse response = get("/v1/scheduler/tasks", gateway.bearer("operator"));

    assertThat(response.status().code()).isEqualTo(503);
    assertThat(JSON.readTree(response.contentUtf8()).get("message").asText()).contains("no route to scheduler");
  }

  @Test
  void grpcWebCallIsForwarded() throws Exception {
    StorageServiceGrpc.StorageServiceBlockingStub web =
        GrpcClients.builder(gateway.uri())
            .serializationFormat(GrpcSerializationFormats.PROTO_WEB)
            .addHeader(HttpHeaderNames.AUTHORIZATION, gateway.bearer("reader"))
            .build(StorageServiceGrpc.StorageServiceBlockingStub.class);

    ListTradesResponse response =
        web.listTrades(ListTradesRequest.newBuilder().setExchange("binance").setSymbol("SOL-USDT").build());

    assertThat(response.getTrades(0).getSymbol()).isEqualTo("SOL-USDT");
  }

  @Test
  void serverStreamIsServedAsServerSentEvents() throws Exception {
    List<String> lines = sse("/v1/events/binance/BTC-USDT:follow?data_types=DATA_TYPE_TRADE", null);

    List<String> data = lines.stream().filter(l -> l.startsWith("data: ")).toList();
    assertThat(data).hasSize(3);
    JsonNode first = JSON.readTree(data.get(0).substring("data: ".length()));
    assertThat(first.get("events").get(0).get("trade").get("trade_id").asText()).isEqualTo("1");
    assertThat(upstream.next().request()).hasToString(
        io.marketprism.storage.v1.FollowEventsRequest.newBuilder()
            .setExchange("binance")
            .setSymbol("BTC-USDT")
            .addDataTypes(io.marketprism.marketdata.v1.DataType.DATA_TYPE_TRADE)
            .build()
            .toString());
  }

  @Test
  void replayResumesAfterTheLastEventId() throws Exception {
    String path = "/v1/events/binance/BTC-USDT:replay?start_time_ns=1&end_time_ns=2";
    List<String> first = sse(path, null);
    assertThat(first.stream().filter(l -> l.startsWith("id: "))).containsExactly("id: 1", "id: 2", "id: 3");
    upstream.next();

    List<String> resumed = sse(path, "3");

    assertThat(resumed.stream().filter(l -> l.startsWith("id: "))).containsExactly("id: 4", "id: 5", "id: 6");
    assertThat(((ReplayEventsRequest) upstream.next().request()).getResumeToken()).isEqualTo("3");
  }

  @Test
  void badQueryParametersAreNamedInOneInvalidArgument() throws Exception {
    AggregatedHttpResponse response =
        get("/v1/events/binance/BTC-USDT:follow?data_types=NOPE&colour=red", gateway.bearer("reader"));

    assertThat(response.status().code()).isEqualTo(400);
    JsonNode violations = JSON.readTree(response.contentUtf8()).get("details").get(0).get("fieldViolations");
    assertThat(violations.findValuesAsText("field")).containsExactlyInAnyOrder("data_types", "colour");
  }

  @Test
  void slowStreamReaderIsToldAndDroppedWhileTheGatewayStaysBounded() throws Exception {
    try (Socket socket = new Socket()) {
      socket.setReceiveBufferSize(4096);
      socket.connect(new InetSocketAddress("127.0.0.1", gateway.httpPort));
      OutputStream out = socket.getOutputStream();
      out.write(
          ("GET /v1/events/binance/FAST-USDT:follow HTTP/1.1\r\nHost: localhost\r\nAccept: text/event-stream\r\n"
                  + "Authorization: " + gateway.bearer("reader") + "\r\n\r\n")
              .getBytes(StandardCharsets.US_ASCII));
      out.flush();
      // the reader reads nothing while the source runs ahead
      await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> gateway.scrape().contains("outcome=\"dropped_slow\"} 1.0"));
      // the upstream hears of the cancel a moment after the drop is counted
      await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(upstream.cancelledStreams.get()).isEqualTo(1));
      // what the reader finally gets ends with why it was dropped
      BufferedReader reader = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
      String last = null;
      for (String line = reader.readLine(); line != null; line = reader.readLine()) {
        if (line.startsWith("data: ")) {
          last = line;
        }
      }
      assertThat(last).contains("\"code\":8").contains("fell 16 messages behind");
    }
    assertThat(gateway.scrape()).contains("marketprism_gateway_streams_open{method=\"marketprism.storage.v1.StorageService/FollowEvents\"} 0.0");
  }

  @Test
  void serverStreamIsServedOverWebSocket() throws Exception {
    List<String> frames = new CopyOnWriteArrayList<>();
    CompletableFuture<Integer> closed = new CompletableFuture<>();
    HttpClient.newHttpClient()
        .newWebSocketBuilder()
        .header("Authorization", gateway.bearer("reader"))
        .buildAsync(
            URI.create("ws://127.0.0.1:" + gateway.httpPort + "/v1/events/binance/BTC-USDT:follow"),
            new WebSocket.Listener() {
              @Override
              public CompletionStage<?> onText(WebSocket socket, CharSequence text, boolean last) {
                frames.add(text.toString());
                socket.request(1);
                return null;
              }

              @Override
              public CompletionStage<?> onClose(WebSocket socket, int status, String reason) {
                closed.complete(status);
                return null;
              }
            })
        .get(10, TimeUnit.SECONDS);

    assertThat(closed.get(10, TimeUnit.SECONDS)).isEqualTo(1000);
    assertThat(frames).hasSize(3);
    assertThat(JSON.readTree(frames.get(2)).get("events").get(0).get("trade").get("trade_id").asText()).isEqualTo("3");
  }

  @Test
  void healthzChecksEveryUpstream() throws Exception {
    AggregatedHttpResponse response = gateway.client().get("/healthz");

    // only storage has an address in this test
    assertThat(response.status().code()).isEqualTo(503);
    JsonNode body = JSON.readTree(response.contentUtf8());
    assertThat(body.get("status").asText()).isEqualTo("DEGRADED");
    assertThat(body.get("gateway").asText()).isEqualTo("SERVING");
    List<String> serving = new ArrayList<>();
    body.get("upstreams").forEach(u -> {
      if (u.get("status").asText().equals("SERVING")) {
        serving.add(u.get("service").asText());
      }
    });
    assertThat(serving).containsExactly("data-storage");
    assertThat(body.get("upstreams")).hasSize(7);
  }

  @Test
  void docsAreServedWithoutCredentials() throws Exception {
    AggregatedHttpResponse openApi = gateway.client().get("/openapi.json");
    assertThat(openApi.status().code()).isEqualTo(200);
    JsonNode spec = JSON.readTree(openApi.contentUtf8());
    assertThat(spec.get("openapi").asText()).startsWith("3.");
    assertThat(spec.get("paths").has("/v1/trades/{exchange}/{symbol}")).isTrue();
    assertThat(gateway.client().get("/docs/").status().code()).isEqualTo(200);
    assertThat(gateway.client().get("/docs/specification.json").contentUtf8())
        .contains("marketprism.storage.v1.StorageService");
  }

  @Test
  void consoleIsServedAtTheRootWithoutCredentialsAndTheApiStaysAsItWas() throws Exception {
    AggregatedHttpResponse page = gateway.client().get("/");
    assertThat(page.status().code()).isEqualTo(200);
    assertThat(page.contentType().toString()).startsWith("text/html");
    assertThat(page.contentUtf8()).contains("/console/app.js");
    AggregatedHttpResponse script = gateway.client().get("/console/app.js");
    assertThat(script.status().code()).isEqualTo(200);
    assertThat(script.contentType().toString()).contains("javascript");
    assertThat(script.contentUtf8()).contains("lightweight-charts"); // bundled, not fetched from elsewhere
    assertThat(gateway.client().get("/console/no-such-file.js").status().code()).isEqualTo(404);

    AggregatedHttpResponse unauthenticated = gateway.client().get("/v1/trades/binance/BTC-USDT");
    assertThat(unauthenticated.status().code()).isEqualTo(401);
    AggregatedHttpResponse unknown = gateway.client().get("/no/such/path");
    assertThat(unknown.status().code()).isEqualTo(404);
    assertThat(JSON.readTree(unknown.contentUtf8()).get("code").asInt()).isEqualTo(5);
  }

  private AggregatedHttpResponse get(String path, String authorization) {
    return gateway.client().execute(RequestHeaders.builder(HttpMethod.GET, path)
        .set(HttpHeaderNames.AUTHORIZATION, authorization).build());
  }

  /** Reads a whole SSE response (the fake's streams end by themselves), as lines. */
  private List<String> sse(String path, String lastEventId) throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(gateway.uri() + path))
            .header("Accept", "text/event-stream")
            .header("Authorization", gateway.bearer("reader"))
            .timeout(Duration.ofSeconds(20));
    if (lastEventId != null) {
      request.header("Last-Event-ID", lastEventId);
    }
    HttpResponse<Stream<String>> response =
        HttpClient.newHttpClient().send(request.build(), HttpResponse.BodyHandlers.ofLines());
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("content-type")).hasValueSatisfying(t -> assertThat(t).startsWith("text/event-stream"));
    return response.body().toList();
  }
}
