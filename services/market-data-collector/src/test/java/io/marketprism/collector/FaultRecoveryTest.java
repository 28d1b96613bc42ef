package io.marketprism.collector;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.marketprism.collector.v1.Feed;
import io.marketprism.collector.v1.FeedState;
import io.marketprism.marketdata.v1.BookDelta;
import io.marketprism.marketdata.v1.BookSnapshot;
import io.marketprism.marketdata.v1.DataType;
import io.marketprism.messaging.DefaultStreams;
import io.marketprism.simulator.ExchangeSimulator;
import io.marketprism.testkit.NatsServer;
import io.marketprism.testkit.WithNats;
import io.nats.client.Connection;
import io.nats.client.JetStreamSubscription;
import io.nats.client.Message;
import io.nats.client.Nats;
import io.nats.client.PushSubscribeOptions;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.junit.jupiter.api.Test;

/**
 * The fault test: the simulator drops connections and skips sequence numbers while the collector runs. The
 * collector must recover every time (all book feeds live again), count the gaps it saw, and have published
 * no inconsistent book: replaying every published snapshot and delta shows each delta chaining from the
 * snapshot or delta before it.
 */
@WithNats
class FaultRecoveryTest {
  private static final List<String> EXCHANGES = List.of("binance", "okx", "deribit");

  @Test
  void recoversFromDroppedConnectionsAndSequenceGapsAndPublishesOnlyConsistentBooks(NatsServer nats) throws Exception {
    CollectorFixture.emptyMarketData(nats);
    Path config = Path.of(Objects.requireNonNull(getClass().getResource("/books-under-faults.yaml")).toURI());
    long collectorGaps;
    try (ExchangeSimulator simulator = SimulatorFixture.start(Map.of("MARKETPRISM_RATE_PER_SYMBOL", "200"));
        CollectorFixture collector = CollectorFixture.start(simulator, nats, config, Map.of())) {
      await().untilAsserted(() -> EXCHANGES.forEach(exchange -> assertThat(
          collector.feed(exchange, DataType.DATA_TYPE_BOOK_DELTA).getState()).isEqualTo(FeedState.FEED_STATE_LIVE)));

      SimulatorFixture.admin(simulator, "/admin/faults",
          "{\"sequence-gap-probability\":0.1,\"drop-connections-every\":\"2s\"}");
      await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> EXCHANGES.forEach(exchange -> {
        Feed book = collector.feed(exchange, DataType.DATA_TYPE_BOOK_DELTA);
        assertThat(book.getGapsTotal()).as(exchange + " gaps").isGreaterThanOrEqualTo(2);
        assertThat(book.getReconnectsTotal()).as(exchange + " reconnects").isGreaterThanOrEqualTo(2);
      }));
      SimulatorFixture.admin(simulator, "/admin/faults",
          "{\"sequence-gap-probability\":0,\"drop-connections-every\":\"0s\"}");

      // Recovered: every book feed is live again and publishing.
      await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> EXCHANGES.forEach(exchange -> {
        assertThat(collector.feed(exchange, DataType.DATA_TYPE_BOOK_DELTA).getState())
            .as(exchange).isEqualTo(FeedState.FEED_STATE_LIVE);
        assertThat(collector.feed(exchange, DataType.DATA_TYPE_BOOK_SNAPSHOT).getState())
            .as(exchange).isEqualTo(FeedState.FEED_STATE_LIVE);
      }));
      Map<String, Long> published = publishedDeltas(collector);
      await().untilAsserted(() -> EXCHANGES.forEach(exchange ->
          assertThat(publishedDeltas(collector).get(exchange)).isGreaterThan(published.get(exchange) + 50)));

      collectorGaps = EXCHANGES.stream()
          .mapToLong(exchange -> collector.feed(exchange, DataType.DATA_TYPE_BOOK_DELTA).getGapsTotal()).sum();
      Feed binance = collector.feed("binance", DataType.DATA_TYPE_BOOK_DELTA);
      assertThat(binance.getResyncsTotal()).isGreaterThanOrEqualTo(binance.getGapsTotal());
      assertThat(binance.getRejectedFramesTotal()).isZero();
      long injected = new ObjectMapper().readTree(SimulatorFixture.get(simulator, "/admin/faults"))
          .path("injected").path("sequence-gaps").asLong();
      // Every gap counted was one the simulator made (some fall just before a dropped connection and go unseen).
      assertThat(collectorGaps).isLessThanOrEqualTo(injected);
    } // stopping the collector flushes its publisher

    BookReplay replay = replayBooks(nats);
    assertThat(replay.problems()).isEmpty();
    assertThat(replay.snapshots()).isGreaterThan(collectorGaps);
    assertThat(replay.deltas()).isGreaterThan(300); // books update every 100 ms: ~20 deltas/s per exchange
  }

  private static Map<String, Long> publishedDeltas(CollectorFixture collector) {
    return Map.of(
        "binance", collector.feed("binance", DataType.DATA_TYPE_BOOK_DELTA).getPublishedTotal(),
        "okx", collector.feed("okx", DataType.DATA_TYPE_BOOK_DELTA).getPublishedTotal(),
        "deribit", collector.feed("deribit", DataType.DATA_TYPE_BOOK_DELTA).getPublishedTotal());
  }

  /** Reads the whole MARKET_DATA stream in order into a {@link BookReplay}. */
  private static BookReplay replayBooks(NatsServer nats) throws Exception {
    BookReplay replay = new BookReplay();
    try (Connection connection = Nats.connect(nats.url())) {
      long total = connection.jetStreamManagement().getStreamInfo(DefaultStreams.MARKET_DATA).getStreamState().getMsgCount();
      JetStreamSubscription subscription = connection.jetStream()
          .subscribe("md.>", PushSubscribeOptions.builder().stream(DefaultStreams.MARKET_DATA).ordered(true).build());
      for (long read = 0; read < total; read++) {
        Message message = subscription.nextMessage(Duration.ofSeconds(5));
        assertThat(message).as("message " + read + " of " + total).isNotNull();
        if (message.getSubject().startsWith("md.book_snapshot.")) {
          replay.snapshot(BookSnapshot.parseFrom(message.getData()));
        } else if (message.getSubject().startsWith("md.book_delta.")) {
          replay.delta(BookDelta.parseFrom(message.getData()));
        }
      }
      subscription.unsubscribe();
    }
    return replay;
  }
}
