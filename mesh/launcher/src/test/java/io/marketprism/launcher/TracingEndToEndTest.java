package io.marketprism.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.marketprism.launcher.OtlpReceiver.ReceivedSpan;
import io.marketprism.supervisor.FreePorts;
import io.opentelemetry.proto.trace.v1.Span.SpanKind;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One trace across the system, as Jaeger would receive it: the simulator, collector, storage and gateway run as
 * {@code ./marketprism up --no-mesh} runs them, each exporting over OTLP ({@code OTEL_EXPORTER_OTLP_ENDPOINT}) to an
 * {@link OtlpReceiver} in this JVM. Checks that a REST request through the gateway is one trace with spans from the
 * gateway, storage and the ClickHouse query, each the child of the one before; and that a traced trade's
 * normalize, publish, consume and ClickHouse insert are one trace.
 */
class TracingEndToEndTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final List<String> SERVICES =
      List.of("exchange-simulator", "market-data-collector", "data-storage", "api-gateway");

  @TempDir Path directory;

  private Path workspace;
  private Path config;
  private OtlpReceiver receiver;

  @AfterEach
  void stop() {
    if (config != null) {
      CommandRun.run(workspace, config, "down");
    }
    if (receiver != null) {
      receiver.close();
    }
  }

  @Test
  void aRestRequestAndATradeAreEachOneTraceAcrossServicesNatsAndClickHouse() throws Exception {
    receiver = OtlpReceiver.start();
    workspace = directory.resolve("workspace");
    config = Files.writeString(directory.resolve("marketprism.yaml"), config(receiver.endpoint()));
    CommandRun up = CommandRun.run(workspace, config, "up", "--detach", "--no-mesh");
    assertThat(up.exitCode()).as("up --detach printed:\n%s\n%s", up.out(), up.err()).isZero();

    tradeIsOneTraceFromFrameToInsert();
    restRequestIsOneTraceThroughGatewayStorageAndClickHouse();
  }

  private void tradeIsOneTraceFromFrameToInsert() {
    await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
      List<ReceivedSpan> spans = receiver.spans();
      ReceivedSpan process = spans.stream()
          .filter(span -> span.service().equals("data-storage") && span.name().equals("process md.trade"))
          .filter(span -> parentOf(spans, span).isPresent())
          .filter(span -> insertOf(spans, span).isPresent())
          .findFirst()
          .orElseThrow(() -> new AssertionError("no stored trade traced from its publish yet"));

      ReceivedSpan publish = parentOf(spans, process).orElseThrow();
      assertThat(publish.service()).isEqualTo("market-data-collector");
      assertThat(publish.name()).isEqualTo("publish md.trade");
      assertThat(publish.kind()).isEqualTo(SpanKind.SPAN_KIND_PRODUCER);
      assertThat(publish.attribute("messaging.system")).isEqualTo("nats");
      assertThat(publish.attribute("messaging.operation.name")).isEqualTo("publish");
      assertThat(publish.attribute("messaging.destination.name")).startsWith("md.trade.");
      assertThat(publish.attribute("messaging.message.id")).isNotBlank();
      ReceivedSpan normalize = parentOf(spans, publish).orElseThrow();
      assertThat(normalize.name()).startsWith("normalize ");
      assertThat(normalize.parentSpanId()).isEmpty();

      assertThat(process.kind()).isEqualTo(SpanKind.SPAN_KIND_CONSUMER);
      assertThat(process.attribute("messaging.message.id")).isEqualTo(publish.attribute("messaging.message.id"));

      ReceivedSpan insert = insertOf(spans, process).orElseThrow();
      ReceivedSpan store = parentOf(spans, insert).orElseThrow();
      assertThat(store.name()).isEqualTo("store trades");
      assertThat(store.parentSpanId()).isEqualTo(process.spanId());
      assertThat(store.linkedSpanIds()).contains(process.spanId());
      assertThat(List.of(normalize, publish, process, store, insert)).extracting(ReceivedSpan::traceId)
          .containsOnly(normalize.traceId());
      assertThat(insert.kind()).isEqualTo(SpanKind.SPAN_KIND_CLIENT);
      assertThat(insert.attribute("db.system")).isEqualTo("clickhouse");
      assertThat(insert.attribute("db.operation.name")).isEqualTo("INSERT");
    });
  }

  private void restRequestIsOneTraceThroughGatewayStorageAndClickHouse() throws Exception {
    CommandRun token = CommandRun.run(workspace, config, "token", "--role", "reader");
    assertThat(token.exitCode()).as(token.err()).isZero();
    String traceId = HexFormat.of().formatHex(randomBytes(16));
    String callerSpanId = HexFormat.of().formatHex(randomBytes(8));
    HttpResponse<String> response = HttpClient.newHttpClient().send(
        HttpRequest.newBuilder(URI.create(gateway() + "/v1/trades/binance/BTC-USDT?limit=5"))
            .header("Authorization", "Bearer " + token.out().trim())
            .header("traceparent", "00-" + traceId + "-" + callerSpanId + "-01")
            .timeout(Duration.ofSeconds(30))
            .build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);

    await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
      List<ReceivedSpan> trace = receiver.spans().stream().filter(span -> span.traceId().equals(traceId)).toList();
      ReceivedSpan edge = only(trace, span -> span.service().equals("api-gateway")
          && span.kind() == SpanKind.SPAN_KIND_SERVER);
      assertThat(edge.parentSpanId()).isEqualTo(callerSpanId);
      ReceivedSpan upstream = only(trace, span -> span.service().equals("api-gateway")
          && span.kind() == SpanKind.SPAN_KIND_CLIENT);
      assertThat(upstream.parentSpanId()).isEqualTo(edge.spanId());
      ReceivedSpan rpc = only(trace, span -> span.service().equals("data-storage")
          && span.kind() == SpanKind.SPAN_KIND_SERVER);
      assertThat(rpc.name()).isEqualTo("marketprism.storage.v1.StorageService/ListTrades");
      assertThat(rpc.parentSpanId()).isEqualTo(upstream.spanId());
      ReceivedSpan query = only(trace, span -> span.service().equals("data-storage")
          && span.kind() == SpanKind.SPAN_KIND_CLIENT);
      assertThat(query.parentSpanId()).isEqualTo(rpc.spanId());
      assertThat(query.attribute("db.system")).isEqualTo("clickhouse");
      assertThat(query.attribute("db.operation.name")).isEqualTo("SELECT");
      assertThat(query.name()).startsWith("SELECT ");
    });
  }

  private static Optional<ReceivedSpan> parentOf(List<ReceivedSpan> spans, ReceivedSpan child) {
    return spans.stream()
        .filter(span -> span.traceId().equals(child.traceId()) && span.spanId().equals(child.parentSpanId()))
        .findFirst();
  }

  /**
   * The ClickHouse insert of the batch that stored {@code process}'s message, when that message was the batch's first
   * traced one (its process span is then the parent of the batch's store span; later ones are only linked).
   */
  private static Optional<ReceivedSpan> insertOf(List<ReceivedSpan> spans, ReceivedSpan process) {
    return spans.stream()
        .filter(span -> span.name().equals("store trades") && span.parentSpanId().equals(process.spanId()))
        .flatMap(store -> spans.stream().filter(span -> span.traceId().equals(store.traceId())
            && span.parentSpanId().equals(store.spanId()) && span.kind() == SpanKind.SPAN_KIND_CLIENT))
        .findFirst();
  }

  private static ReceivedSpan only(List<ReceivedSpan> spans, java.util.function.Predicate<ReceivedSpan> which) {
    List<ReceivedSpan> matching = spans.stream().filter(which).toList();
    assertThat(matching).as("spans of the trace: %s", spans).hasSize(1);
    return matching.get(0);
  }

  private String gateway() throws Exception {
    CommandRun status = CommandRun.run(workspace, config, "status", "--json");
    for (JsonNode service : JSON.readTree(status.out()).get("services")) {
      if (service.get("name").asText().equals("api-gateway")) {
        return service.get("http").asText();
      }
    }
    throw new AssertionError("no api-gateway in " + status.out());
  }

  private static byte[] randomBytes(int size) {
    byte[] bytes = new byte[size];
    ThreadLocalRandom.current().nextBytes(bytes);
    bytes[0] |= 1; // never all zeros, which W3C calls invalid
    return bytes;
  }

  private static String config(String otlpEndpoint) {
    Iterator<Integer> ports = FreePorts.allocate(4 + FreePortServices.PORTS).iterator();
    Map<String, String> otel = Map.of(
        "OTEL_EXPORTER_OTLP_ENDPOINT", otlpEndpoint,
        // export every 200 ms rather than every 5 s, so the test waits for spans briefly
        "OTEL_BSP_SCHEDULE_DELAY", "200");
    Map<String, Map<String, String>> environment = new HashMap<>();
    for (String service : SERVICES) {
      environment.put(service, new HashMap<>(otel));
    }
    // one frame in fifty starts a trace: many traced trades within seconds, few spans in all
    environment.get("market-data-collector").put("MARKETPRISM_TRACING_SAMPLING_RATIO", "0.02");
    return "nats: {port: " + ports.next() + ", monitor-port: " + ports.next() + "}\n"
        + "clickhouse: {http-port: " + ports.next() + ", tcp-port: " + ports.next() + "}\n"
        + FreePortServices.yaml(SERVICES, environment, ports);
  }
}
