package io.marketprism.collector;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.marketprism.collector.v1.Feed;
import io.marketprism.collector.v1.FeedState;
import io.marketprism.collector.v1.ListInstrumentsRequest;
import io.marketprism.collector.v1.ListSubscriptionsRequest;
import io.marketprism.collector.v1.SubscribeRequest;
import io.marketprism.collector.v1.Subscription;
import io.marketprism.collector.v1.UnsubscribeRequest;
import io.marketprism.marketdata.v1.DataType;
import io.marketprism.marketdata.v1.Instrument;
import io.marketprism.marketdata.v1.MarketEvent;
import io.marketprism.messaging.DefaultStreams;
import io.marketprism.messaging.MarketDataMessages;
import io.marketprism.messaging.MarketDataSubjects;
import io.marketprism.messaging.MarketEventCodec;
import io.marketprism.simulator.ExchangeSimulator;
import io.marketprism.testkit.NatsServer;
import io.marketprism.testkit.WithNats;
import io.nats.client.Connection;
import io.nats.client.JetStreamApiException;
import io.nats.client.JetStreamManagement;
import io.nats.client.Nats;
import io.nats.client.api.MessageInfo;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The collector service with its default configuration, against the embedded simulator over real WebSockets
 * and a real NATS: every exchange's events land in {@code MARKET_DATA} as the architecture says.
 */
@WithNats
class CollectorEndToEndTest {

  /** Subjects the default subscriptions must fill, covering each exchange, venue and data type family. */
  private static final List<String> SUBJECTS = List.of(
      "md.trade.binance.BTC-USDT", "md.trade.binance.ETH-USDT", "md.book_snapshot.binance.BTC-USDT",
      "md.book_delta.binance.BTC-USDT", "md.ticker.binance.ETH-USDT", "md.trade.binance.BTC-USDT-PERP",
      "md.book_delta.binance.BTC-USDT-PERP",
      "md.trade.okx.BTC-USDT", "md.book_snapshot.okx.BTC-USDT", "md.book_delta.okx.BTC-USDT-PERP",
      "md.ticker.okx.BTC-USDT-PERP",
      "md.trade.deribit.BTC-USD-PERP", "md.book_snapshot.deribit.ETH-USD-PERP",
      "md.book_delta.deribit.ETH-USD-PERP", "md.funding_rate.deribit.BTC-USD-PERP",
      "md.ticker.deribit.BTC-USD-PERP");

  @Test
  void publishesEveryExchangesEventsToMarketDataWithSubjectsIdsAndProtobufPayloads(NatsServer nats) throws Exception {
    CollectorFixture.emptyMarketData(nats);
    try (ExchangeSimulator simulator = SimulatorFixture.start(Map.of());
        CollectorFixture collector = CollectorFixture.start(simulator, nats, null, Map.of());
        Connection connection = Nats.connect(nats.url())) {
      JetStreamManagement streams = connection.jetStreamManagement();

      for (String subject : SUBJECTS) {
        MessageInfo message = await().atMost(Duration.ofSeconds(20)).until(() -> last(streams, subject), m -> m != null);
        MarketDataSubjects.Subject parsed = MarketDataSubjects.parse(subject).orElseThrow();
        MarketEvent event = MarketEventCodec.decode(parsed.type(), message.getData());
        assertThat(MarketEventCodec.exchange(event)).isEqualTo(parsed.exchange());
        assertThat(MarketEventCodec.symbol(event)).isEqualTo(parsed.symbol());
        assertThat(message.getHeaders().getFirst(MarketDataMessages.MSG_ID))
            .isEqualTo(MarketEventCodec.messageId(event))
            .startsWith(parsed.exchange() + ":" + MarketDataSubjects.typeToken(parsed.type()) + ":" + parsed.symbol() + ":");
        assertThat(message.getHeaders().getFirst(MarketDataMessages.CONTENT_TYPE)).isEqualTo(MarketEventCodec.CONTENT_TYPE);
      }

      for (String exchange : List.of("binance", "okx", "deribit")) {
        await().untilAsserted(() -> assertThat(collector.feeds(exchange)).allSatisfy(feed -> {
          assertThat(feed.getState()).isEqualTo(FeedState.FEED_STATE_LIVE);
          if (feed.getDataType() != DataType.DATA_TYPE_LIQUIDATION) { // liquidations are rare events
            assertThat(feed.getPublishedTotal()).isPositive();
          }
        }));
      }
      Feed binanceBook = collector.feed("binance", DataType.DATA_TYPE_BOOK_DELTA);
      assertThat(binanceBook.getSymbolsList()).containsExactly("BTC-USDT", "BTC-USDT-PERP", "ETH-USDT");
      assertThat(binanceBook.getGapsTotal()).isZero();
      assertThat(binanceBook.getShedTotal()).isZero();
      assertThat(binanceBook.getRejectedFramesTotal()).isZero();

      // The service loads the simulator's instrument lists from the same (blank = simulator) exchange URLs.
      ListInstrumentsRequest okxInstruments = ListInstrumentsRequest.newBuilder().setExchange("okx").build();
      await().ignoreExceptions().untilAsserted(() -> assertThat(collector.stub.listInstruments(okxInstruments)
          .getInstrumentsList()).extracting(Instrument::getSymbol).containsExactly("BTC-USDT", "BTC-USDT-PERP"));

      String metrics = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(
              "http://127.0.0.1:" + collector.service.metricsAddress().orElseThrow().getPort() + "/metrics")).build(),
          HttpResponse.BodyHandlers.ofString()).body();
      assertThat(metrics)
          .contains("marketprism_collector_events_total{exchange=\"okx\",outcome=\"published\",type=\"trade\"}")
          .contains("marketprism_collector_frames_total{exchange=\"deribit\"}")
          .contains("marketprism_nats_publish_total{outcome=\"acked\"}");
    }
  }

  @Test
  void subscriptionsChangedAtRunTimeSurviveARestart(NatsServer nats) throws Exception {
    Map<String, String> bucket = Map.of("MARKETPRISM_PERSISTENCE_SUBSCRIPTIONS_BUCKET", "restart-" + System.nanoTime());
    UnsubscribeRequest drop = UnsubscribeRequest.newBuilder().setExchange("deribit").addSymbols("ETH-USD-PERP")
        .addAllDataTypes(List.of(DataType.DATA_TYPE_TRADE, DataType.DATA_TYPE_BOOK_DELTA)).build();
    SubscribeRequest add = SubscribeRequest.newBuilder().setExchange("okx").addSymbols("ETH-USDT")
        .addDataTypes(DataType.DATA_TYPE_TRADE).build();
    List<String> before;
    // Subscribe checks symbols against the exchange's instrument list: the simulator must list ETH-USDT.
    try (ExchangeSimulator simulator = SimulatorFixture.start(
        Map.of("MARKETPRISM_MARKETS_OKX", "BTC-USDT,BTC-USDT-SWAP,ETH-USDT"))) {
      try (CollectorFixture collector = CollectorFixture.start(simulator, nats, null, bucket)) {
        assertThat(collector.stub.unsubscribe(drop).getRemovedCount()).isEqualTo(2);
        assertThat(collector.stub.subscribe(add).getAddedCount()).isEqualTo(1);
        before = subjects(collector);
      }
      try (CollectorFixture restarted = CollectorFixture.start(simulator, nats, null, bucket)) {
        assertThat(subjects(restarted)).isEqualTo(before)
            .contains("md.trade.okx.ETH-USDT")
            .doesNotContain("md.trade.deribit.ETH-USD-PERP", "md.book_delta.deribit.ETH-USD-PERP")
            .contains("md.book_snapshot.deribit.ETH-USD-PERP");
      }
    }
  }

  private static List<String> subjects(CollectorFixture collector) {
    return collector.stub.listSubscriptions(ListSubscriptionsRequest.newBuilder().setPageSize(1000).build())
        .getSubscriptionsList().stream().map(Subscription::getSubject).toList();
  }

  private static MessageInfo last(JetStreamManagement streams, String subject) throws Exception {
    try {
      return streams.getLastMessage(DefaultStreams.MARKET_DATA, subject);
    } catch (JetStreamApiException notYet) {
      return null;
    }
  }
}
