package io.marketprism.collector;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.marketprism.collector.v1.ListSubscriptionsRequest;
import io.marketprism.collector.v1.Subscription;
import io.marketprism.config.ConfigCenterFixture;
import io.marketprism.config.v1.DeleteRequest;
import io.marketprism.config.v1.PutRequest;
import io.marketprism.messaging.DefaultStreams;
import io.marketprism.simulator.ExchangeSimulator;
import io.marketprism.testkit.NatsServer;
import io.marketprism.testkit.WithNats;
import io.nats.client.Connection;
import io.nats.client.JetStreamApiException;
import io.nats.client.Nats;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A running collector follows the config center's {@code subscriptions} key: a put subscribes (and trades flow to
 * JetStream), a changed value swaps symbols, a bad value is refused without touching what runs, a delete drops what
 * the key declared, and the file's subscriptions stay throughout; the declared set survives a restart.
 */
@WithNats
class RuntimeSubscriptionsTest {

  static NatsServer nats;

  @Test
  void aRunningCollectorPicksUpChangedSubscriptionsFromTheConfigCenter(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("collector.yaml");
    Files.writeString(file, """
        subscriptions:
          - {exchange: binance, symbols: [BTC-USDT], data-types: [trade]}
        """);
    CollectorFixture.emptyMarketData(nats); // so that a stored okx trade is this test's
    String environment = ConfigCenterFixture.uniqueEnvironment();
    ExchangeSimulator simulator = SimulatorFixture.start(Map.of());
    try (ConfigCenterFixture center = ConfigCenterFixture.start(nats)) {
      Map<String, String> runtime = Map.of(
          "MARKETPRISM_RUNTIME_CONFIG_ENABLED", "true",
          "MARKETPRISM_RUNTIME_CONFIG_ENVIRONMENT", environment,
          "MARKETPRISM_PEERS_CONFIG_CENTER", "127.0.0.1:" + center.service().grpcAddress().getPort(),
          "MARKETPRISM_PERSISTENCE_SUBSCRIPTIONS_BUCKET", "runtime-subscriptions-" + environment);
      try (CollectorFixture collector = CollectorFixture.start(simulator, nats, file, runtime)) {
        assertThat(subjects(collector)).containsExactly("md.trade.binance.BTC-USDT");

        put(center, environment, "[{exchange: okx, symbols: [BTC-USDT], data-types: [trade]}]");
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(subjects(collector))
            .containsExactlyInAnyOrder("md.trade.binance.BTC-USDT", "md.trade.okx.BTC-USDT"));
        await().atMost(Duration.ofSeconds(60)).until(() -> stored("md.trade.okx.BTC-USDT"));

        put(center, environment, """
            - exchange: okx
              symbols: [BTC-USDT-PERP]
              data-types: [trade, ticker]
            """);
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(subjects(collector))
            .containsExactlyInAnyOrder(
                "md.trade.binance.BTC-USDT", "md.trade.okx.BTC-USDT-PERP", "md.ticker.okx.BTC-USDT-PERP"));

        // refused whole (an unknown symbol, then a typo'd key): what runs stays; the next good value applies
        put(center, environment, "[{exchange: okx, symbols: [NOPE-USDT], data-types: [trade]}]");
        put(center, environment, "[{exchange: okx, symbol: [BTC-USDT], data-types: [trade]}]");
        put(center, environment, "[{exchange: deribit, symbols: [ETH-USD-PERP], data-types: [trade]}]");
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(subjects(collector))
            .containsExactlyInAnyOrder("md.trade.binance.BTC-USDT", "md.trade.deribit.ETH-USD-PERP"));
      }

      // a restart keeps what the key declared; a delete while the collector runs drops it, the file's stay
      try (CollectorFixture collector = CollectorFixture.start(simulator, nats, file, runtime)) {
        assertThat(subjects(collector))
            .containsExactlyInAnyOrder("md.trade.binance.BTC-USDT", "md.trade.deribit.ETH-USD-PERP");
        center.blocking().delete(DeleteRequest.newBuilder().setEnvironment(environment)
            .setNamespace("market-data-collector").setKey("subscriptions").build());
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(subjects(collector))
            .containsExactly("md.trade.binance.BTC-USDT"));
      }
    } finally {
      simulator.close();
    }
  }

  private static void put(ConfigCenterFixture center, String environment, String yaml) {
    center.blocking().put(PutRequest.newBuilder().setEnvironment(environment).setNamespace("market-data-collector")
        .setKey("subscriptions").setValue(yaml).build());
  }

  private static List<String> subjects(CollectorFixture collector) {
    return collector.stub.listSubscriptions(ListSubscriptionsRequest.newBuilder().setPageSize(1000).build())
        .getSubscriptionsList().stream().map(Subscription::getSubject).toList();
  }

  /** Whether JetStream holds a message on {@code subject}: the feed really runs. */
  private static boolean stored(String subject) throws Exception {
    try (Connection connection = Nats.connect(nats.url())) {
      connection.jetStreamManagement().getLastMessage(DefaultStreams.MARKET_DATA, subject);
      return true;
    } catch (JetStreamApiException notYet) {
      return false;
    }
  }
}
