package io.marketprism.collector.feed;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.marketprism.collector.connection.ConnectionSettings;
import io.marketprism.collector.exchange.ExchangeFeed;
import io.marketprism.collector.subscription.SubscriptionKey;
import io.marketprism.collector.v1.Feed;
import io.marketprism.marketdata.v1.DataType;
import io.marketprism.marketdata.v1.MarketEvent;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The collector's event path, fed frames directly (as a connection does) while its own connection points at a
 * closed port and stays in backoff.
 */
class CollectorTest {
  private final PrometheusRegistry registry = new PrometheusRegistry();
  private final List<MarketEvent> published = new ArrayList<>();
  private final AtomicBoolean accepting = new AtomicBoolean(true);
  private final Collector collector = new Collector(Map.of(Venue.BINANCE_SPOT, nowhere()), this::offer, registry,
      HttpClient.newHttpClient(), Clock.systemUTC());
  private final ExchangeFeed feed = Venue.BINANCE_SPOT.newProtocol().newFeed(collector.listener(Venue.BINANCE_SPOT));

  private boolean offer(MarketEvent event) {
    if (!accepting.get()) {
      return false;
    }
    published.add(event);
    return true;
  }

  @AfterEach
  void close() {
    collector.close();
  }

  @Test
  void publishesOnlySubscribedStreams() {
    collector.subscribe(List.of(new SubscriptionKey("binance", "BTC-USDT", "BTCUSDT", DataType.DATA_TYPE_TRADE)));

    feed.handle(trade("BTCUSDT", 1), 1);
    feed.handle(trade("ETHUSDT", 2), 2);

    assertThat(published).singleElement().satisfies(event -> assertThat(event.getTrade().getSymbol()).isEqualTo("BTC-USDT"));
    assertThat(trades().getPublishedTotal()).isEqualTo(1);
    assertThat(trades().getShedTotal()).isZero();
    assertThat(trades().getMessagesTotal()).isEqualTo(1);
  }

  @Test
  void shedEventsAreCountedInMetricsAndReportedInFeedStatus() {
    collector.subscribe(List.of(new SubscriptionKey("binance", "BTC-USDT", "BTCUSDT", DataType.DATA_TYPE_TRADE)));
    // The venue's connection fails first (a closed port): its error must not be what this test reads.
    await().until(() -> trades().getLastError().contains("connection lost"));
    feed.handle(trade("BTCUSDT", 1), 1);
    accepting.set(false);

    for (int i = 2; i < 12; i++) {
      feed.handle(trade("BTCUSDT", i), i);
    }

    assertThat(counter("marketprism_collector_events", "shed")).isEqualTo(10);
    assertThat(counter("marketprism_collector_events", "published")).isEqualTo(1);
    assertThat(trades().getPublishedTotal()).isEqualTo(1);
    assertThat(trades().getShedTotal()).isEqualTo(10);
    assertThat(trades().getMessagesTotal()).isEqualTo(11);
    await().untilAsserted(() -> assertThat(trades().getLastError()).contains("events shed").contains("(10 since start)"));
  }

  @Test
  void rejectedFramesAreCountedByReason() {
    collector.subscribe(List.of(new SubscriptionKey("binance", "BTC-USDT", "BTCUSDT", DataType.DATA_TYPE_TRADE)));

    feed.handle("{\"e\":\"trade\",\"s\":\"BTCUSDT\"", 1);

    assertThat(trades().getRejectedFramesTotal()).isEqualTo(1);
    assertThat(trades().getLastError()).contains("malformed_json");
    CounterSnapshot rejects = (CounterSnapshot) registry.scrape().stream()
        .filter(s -> s.getMetadata().getName().equals("marketprism_collector_rejected_frames")).findFirst().orElseThrow();
    assertThat(rejects.getDataPoints()).anySatisfy(point -> {
      assertThat(point.getLabels().get("reason")).isEqualTo("malformed_json");
      assertThat(point.getValue()).isEqualTo(1);
    });
  }

  private Feed trades() {
    return collector.feeds("binance").stream().filter(f -> f.getDataType() == DataType.DATA_TYPE_TRADE).findFirst()
        .orElseThrow();
  }

  private double counter(String name, String outcome) {
    CounterSnapshot snapshot = (CounterSnapshot) registry.scrape().stream()
        .filter(s -> s.getMetadata().getName().equals(name)).findFirst().orElseThrow();
    return snapshot.getDataPoints().stream()
        .filter(p -> outcome.equals(p.getLabels().get("outcome")) && "trade".equals(p.getLabels().get("type")))
        .mapToDouble(CounterSnapshot.CounterDataPointSnapshot::getValue).sum();
  }

  private static String trade(String symbol, long id) {
    return "{\"e\":\"trade\",\"E\":1700000000000,\"s\":\"" + symbol + "\",\"t\":" + id
        + ",\"p\":\"42219.90000000\",\"q\":\"0.01000000\",\"T\":1700000000000,\"m\":true,\"M\":true}";
  }

  /** A closed port and a long backoff: the venue's own connection fails once and stays quiet. */
  private static ConnectionSettings nowhere() {
    return ConnectionSettings.builder(URI.create("ws://127.0.0.1:9/stream")).restUri(URI.create("http://127.0.0.1:9"))
        .backoff(Duration.ofMinutes(10), Duration.ofMinutes(10)).build();
  }
}
