package io.marketprism.storage.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.marketprism.marketdata.v1.MarketEvent;
import io.marketprism.marketdata.v1.Trade;
import io.marketprism.messaging.MarketDataMessages;
import io.marketprism.messaging.OutgoingMessage;
import io.marketprism.storage.StorageFixture;
import io.marketprism.storage.v1.ListTradesRequest;
import io.marketprism.testkit.ClickHouseServer;
import io.marketprism.testkit.NatsServer;
import io.marketprism.testkit.WithClickHouse;
import io.marketprism.testkit.WithNats;
import io.nats.client.JetStreamManagement;
import io.nats.client.Message;
import io.nats.client.Subscription;
import io.nats.client.api.ConsumerInfo;
import io.nats.client.impl.Headers;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.context.Context;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

@WithNats
@WithClickHouse
class IngestTest {

  static NatsServer natsServer;
  static ClickHouseServer clickHouseServer;
  static StorageFixture storage;

  @BeforeAll
  static void start() throws Exception {
    clickHouseServer.query("DROP DATABASE IF EXISTS ingest_test");
    storage = StorageFixture.start(natsServer.url(), clickHouseServer.jdbcUrl(), "ingest_test", Map.of());
  }

  @AfterAll
  static void stop() throws Exception {
    storage.close();
  }

  @Test
  void tradesPublishedTwiceAreStoredAndListedOnce() throws Exception {
    List<MarketEvent> trades = new ArrayList<>();
    for (int i = 0; i < 300; i++) {
      trades.add(StorageFixture.trade("TWICE-USDT", i, StorageFixture.DAY_20231114 + i * 1_000_000L));
    }
    storage.publish(trades);
    // the same trades again under other message ids, so JetStream keeps both copies and storage sees each twice
    for (MarketEvent trade : trades.subList(0, 100)) {
      OutgoingMessage original = MarketDataMessages.of(trade);
      Headers headers = new Headers(original.headers());
      headers.put("Nats-Msg-Id", "again-" + original.messageId());
      storage.publisher.publish(new OutgoingMessage(original.subject(), "again-" + original.messageId(), headers,
          original.payload()));
    }
    assertThat(storage.publisher.flush(Duration.ofSeconds(30))).isTrue();
    assertThat(storage.publisher.duplicates()).as("JetStream keeps both copies: their ids differ").isZero();

    // Every copy is stored once the trade consumer has nothing pending and nothing unacked (acks follow inserts).
    // The raw row count is not asserted: a background merge of the ReplacingMergeTree may already have folded
    // the copies, which is exactly what the table is for.
    JetStreamManagement streams = storage.nats.jetStreamManagement();
    await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
      ConsumerInfo consumer = streams.getConsumerInfo("MARKET_DATA", "ingest_test-trade");
      assertThat(consumer.getNumPending()).isZero();
      assertThat(consumer.getNumAckPending()).isZero();
    });
    List<Trade> listed = storage.storage.listTrades(ListTradesRequest.newBuilder().setExchange("binance")
        .setSymbol("TWICE-USDT").setLimit(10_000).build()).getTradesList();

    assertThat(listed).containsExactlyElementsOf(trades.stream().map(MarketEvent::getTrade).toList());
  }

  @Test
  void undecodableMessageIsDeadLetteredWithItsReasonAndDoesNotBlockTheStream() throws Exception {
    Subscription deadLetters = storage.nats.subscribe("sys.deadletter.storage");
    storage.nats.flush(Duration.ofSeconds(5));
    storage.nats.jetStream().publish("md.trade.binance.POISON-USDT", new byte[] {(byte) 0xff, 0x01, 0x02});
    storage.publish(List.of(StorageFixture.trade("POISON-USDT", 1, StorageFixture.DAY_20231114)));

    await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
        assertThat(storage.storage.listTrades(ListTradesRequest.newBuilder().setExchange("binance")
            .setSymbol("POISON-USDT").build()).getTradesCount()).isEqualTo(1));
    Message deadLetter = null;
    for (int i = 0; i < 20 && deadLetter == null; i++) {
      Message candidate = deadLetters.nextMessage(Duration.ofSeconds(1));
      if (candidate != null && "md.trade.binance.POISON-USDT".equals(
          candidate.getHeaders().getFirst(DeadLetters.SUBJECT_HEADER))) {
        deadLetter = candidate;
      }
    }

    assertThat(deadLetter).isNotNull();
    assertThat(deadLetter.getHeaders().getFirst(DeadLetters.ERROR_HEADER)).startsWith("cannot decode trade");
    assertThat(deadLetter.getData()).isEqualTo(new byte[] {(byte) 0xff, 0x01, 0x02});
    assertThat(new String(deadLetter.getData(), StandardCharsets.ISO_8859_1)).hasSize(3);
  }

  @Test
  void everyStoredBatchIsTimedPerTable() throws Exception {
    // the fixture is shared with the other tests here, so only growth counts
    long insertsBefore = histogramCount("marketprism_storage_insert_seconds", "trades");
    long batchesBefore = histogramCount("marketprism_storage_batch_age_seconds", "trades");
    storage.publish(List.of(StorageFixture.trade("TIMED-USDT", 1, StorageFixture.DAY_20231114)));
    await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
        assertThat(storage.storage.listTrades(ListTradesRequest.newBuilder().setExchange("binance")
            .setSymbol("TIMED-USDT").build()).getTradesCount()).isEqualTo(1));
    // acks (and with them the batch-age observation) follow the insert
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
      assertThat(histogramCount("marketprism_storage_insert_seconds", "trades")).isGreaterThan(insertsBefore);
      assertThat(histogramCount("marketprism_storage_batch_age_seconds", "trades")).isGreaterThan(batchesBefore);
    });
  }

  private long histogramCount(String name, String table) {
    return storage.metrics.scrape().stream()
        .filter(snapshot -> snapshot.getMetadata().getPrometheusName().equals(name))
        .flatMap(snapshot -> ((HistogramSnapshot) snapshot).getDataPoints().stream())
        .filter(point -> table.equals(point.getLabels().get("table")))
        .mapToLong(HistogramSnapshot.HistogramDataPointSnapshot::getCount)
        .sum();
  }

  @Test
  void tracedMessageIsConsumedAndInsertedInThePublishersTrace() throws Exception {
    SpanContext publisher = SpanContext.create("4bf92f3577b34da6a3ce929d0e0e4736", "00f067aa0ba902b7",
        TraceFlags.getSampled(), TraceState.getDefault());
    MarketEvent trade = StorageFixture.trade("TRACED-USDT", 1, StorageFixture.DAY_20231114);
    storage.publisher.publish(MarketDataMessages.of(trade, Context.root().with(Span.wrap(publisher))));
    assertThat(storage.publisher.flush(Duration.ofSeconds(10))).isTrue();

    await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
      List<SpanData> spans = storage.spans.getFinishedSpanItems();
      SpanData process = only(spans, span -> span.getName().equals("process md.trade")
          && span.getTraceId().equals(publisher.getTraceId()));
      assertThat(process.getKind()).isEqualTo(SpanKind.CONSUMER);
      assertThat(process.getParentSpanId()).isEqualTo(publisher.getSpanId());
      assertThat(process.getAttributes().get(AttributeKey.stringKey("messaging.system"))).isEqualTo("nats");
      assertThat(process.getAttributes().get(AttributeKey.stringKey("messaging.destination.name")))
          .isEqualTo("md.trade.binance.TRACED-USDT");
      assertThat(process.getAttributes().get(AttributeKey.stringKey("messaging.message.id")))
          .isEqualTo(MarketDataMessages.of(trade).messageId());

      SpanData store = only(spans, span -> span.getName().equals("store trades")
          && span.getParentSpanId().equals(process.getSpanId()));
      assertThat(store.getTraceId()).isEqualTo(publisher.getTraceId());
      assertThat(store.getLinks()).extracting(link -> link.getSpanContext().getSpanId())
          .containsExactly(process.getSpanId());

      SpanData insert = only(spans, span -> span.getParentSpanId().equals(store.getSpanId()));
      assertThat(insert.getKind()).isEqualTo(SpanKind.CLIENT);
      assertThat(insert.getName()).isEqualTo("INSERT ingest_test.trades");
      assertThat(insert.getAttributes().get(AttributeKey.stringKey("db.system"))).isEqualTo("clickhouse");
      assertThat(insert.getAttributes().get(AttributeKey.stringKey("db.operation.name"))).isEqualTo("INSERT");
      assertThat(insert.getAttributes().get(AttributeKey.longKey("db.operation.batch.size"))).isPositive();
    });
  }

  @Test
  void untracedMessagesMakeNoSpans() throws Exception {
    storage.publish(List.of(StorageFixture.trade("UNTRACED-USDT", 1, StorageFixture.DAY_20231114)));

    await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
        assertThat(storage.storage.listTrades(ListTradesRequest.newBuilder().setExchange("binance")
            .setSymbol("UNTRACED-USDT").build()).getTradesCount()).isEqualTo(1));
    assertThat(storage.spans.getFinishedSpanItems())
        .noneMatch(span -> "md.trade.binance.UNTRACED-USDT".equals(
            span.getAttributes().get(AttributeKey.stringKey("messaging.destination.name"))));
  }

  @Test
  void queryIsAClickHouseClientSpanOfTheRpc() {
    storage.storage.listTrades(ListTradesRequest.newBuilder().setExchange("binance").setSymbol("QUERIED-USDT")
        .build());

    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
      List<SpanData> spans = storage.spans.getFinishedSpanItems();
      SpanData rpc = spans.stream()
          .filter(span -> span.getName().equals("marketprism.storage.v1.StorageService/ListTrades"))
          .reduce((first, second) -> second)
          .orElseThrow(() -> new AssertionError("no ListTrades server span"));
      SpanData query = only(spans, span -> span.getParentSpanId().equals(rpc.getSpanId()));
      assertThat(query.getKind()).isEqualTo(SpanKind.CLIENT);
      assertThat(query.getTraceId()).isEqualTo(rpc.getTraceId());
      assertThat(query.getName()).startsWith("SELECT ingest_test.trades");
      assertThat(query.getAttributes().get(AttributeKey.stringKey("db.system"))).isEqualTo("clickhouse");
      assertThat(query.getAttributes().get(AttributeKey.stringKey("db.namespace"))).isNotBlank();
      assertThat(query.getAttributes().get(AttributeKey.stringKey("db.query.text"))).doesNotContain("QUERIED-USDT");
    });
  }

  private static SpanData only(List<SpanData> spans, java.util.function.Predicate<SpanData> which) {
    List<SpanData> matching = spans.stream().filter(which).toList();
    assertThat(matching).as("matching spans among %s", spans).hasSize(1);
    return matching.get(0);
  }
}
