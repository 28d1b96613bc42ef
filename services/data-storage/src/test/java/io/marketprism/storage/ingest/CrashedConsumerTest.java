package io.marketprism.storage.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.marketprism.marketdata.v1.MarketEvent;
import io.marketprism.messaging.DefaultStreams;
import io.marketprism.messaging.MarketDataMessages;
import io.marketprism.messaging.NatsConfig;
import io.marketprism.messaging.NatsConnections;
import io.marketprism.messaging.OutgoingMessage;
import io.marketprism.storage.StorageFixture;
import io.marketprism.storage.v1.ListTradesRequest;
import io.marketprism.testkit.ClickHouseServer;
import io.marketprism.testkit.NatsServer;
import io.marketprism.testkit.WithClickHouse;
import io.marketprism.testkit.WithNats;
import io.nats.client.Connection;
import io.nats.client.JetStreamSubscription;
import io.nats.client.Message;
import io.nats.client.PullSubscribeOptions;
import io.nats.client.api.AckPolicy;
import io.nats.client.api.ConsumerConfiguration;
import io.nats.client.api.DeliverPolicy;
import io.nats.client.impl.NatsMessage;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What a storage instance finds on its durable consumer after another one died: messages delivered to the dead
 * instance and never acked. They must be stored even though the server delivers newer messages (which the new
 * instance stores and acks) before their ack wait runs out.
 */
@WithNats
@WithClickHouse
class CrashedConsumerTest {

  static NatsServer natsServer;
  static ClickHouseServer clickHouseServer;

  Connection nats;
  StorageFixture storage;

  @BeforeEach
  void connect() throws Exception {
    NatsConfig config = new NatsConfig().withUrl(natsServer.url());
    nats = NatsConnections.connect(config, "crashed-consumer-test", new PrometheusRegistry());
    DefaultStreams.ensure(nats, config.streams());
  }

  @AfterEach
  void close() throws Exception {
    if (storage != null) {
      storage.close();
    }
    nats.close();
  }

  @Test
  void messagesTheDeadInstanceHeldAreStoredAfterNewerOnesWereAcked() throws Exception {
    String database = "crashed_explicit";
    startOver(database, AckPolicy.Explicit);
    publish("HELD-USDT", 0, 100);
    List<Message> held = pull(database, 100);
    assertThat(held).hasSize(100); // delivered to the "dead" instance, never acked
    publish("HELD-USDT", 100, 200);

    storage = StorageFixture.start(natsServer.url(), clickHouseServer.jdbcUrl(), database,
        Map.of("MARKETPRISM_INGEST_ACK_WAIT", "2s"));

    await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(tradeIds("HELD-USDT"))
        .containsExactlyElementsOf(LongStream.range(0, 200).boxed().toList()));
  }

  @Test
  void durableLeftWithAckAllIsReplacedAndResumesAfterItsAckFloor() throws Exception {
    String database = "crashed_ack_all";
    startOver(database, AckPolicy.All);
    publish("FLOOR-USDT", 0, 50);
    List<Message> delivered = pull(database, 50);
    assertThat(delivered).hasSize(50);
    delivered.get(29).ackSync(Duration.ofSeconds(5)); // ack floor: trades 0..29 count as stored

    storage = StorageFixture.start(natsServer.url(), clickHouseServer.jdbcUrl(), database,
        Map.of("MARKETPRISM_INGEST_ACK_WAIT", "2s"));

    await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(tradeIds("FLOOR-USDT"))
        .containsExactlyElementsOf(LongStream.range(30, 50).boxed().toList()));
    assertThat(nats.jetStreamManagement().getConsumerInfo(DefaultStreams.MARKET_DATA, database + "-trade")
        .getConsumerConfiguration().getAckPolicy()).isEqualTo(AckPolicy.Explicit);

    // and the replacement, which starts at a sequence of its own, is taken as it is by the next instance
    storage.close();
    publish("FLOOR-USDT", 50, 60);
    storage = StorageFixture.start(natsServer.url(), clickHouseServer.jdbcUrl(), database, Map.of());
    await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(tradeIds("FLOOR-USDT"))
        .containsExactlyElementsOf(LongStream.range(30, 60).boxed().toList()));
  }

  /**
   * The trade durable as an earlier storage instance would have left it; it starts with the next message, so that
   * what other tests left in the shared stream stays out of this one.
   */
  private void startOver(String database, AckPolicy ackPolicy) throws Exception {
    clickHouseServer.query("DROP DATABASE IF EXISTS " + database);
    try {
      nats.jetStreamManagement().deleteConsumer(DefaultStreams.MARKET_DATA, database + "-trade");
    } catch (io.nats.client.JetStreamApiException absent) {
      // first run against this server
    }
    nats.jetStreamManagement().addOrUpdateConsumer(DefaultStreams.MARKET_DATA, ConsumerConfiguration.builder()
        .durable(database + "-trade").filterSubject("md.trade.>").ackPolicy(ackPolicy).deliverPolicy(DeliverPolicy.New)
        .ackWait(Duration.ofSeconds(2)).maxAckPending(20_000).build());
  }

  private void publish(String symbol, long from, long to) throws Exception {
    for (long id = from; id < to; id++) {
      MarketEvent trade = StorageFixture.trade(symbol, id, StorageFixture.DAY_20231114 + id * 1_000L);
      OutgoingMessage message = MarketDataMessages.of(trade);
      nats.jetStream().publish(NatsMessage.builder().subject(message.subject()).headers(message.headers())
          .data(message.payload()).build());
    }
  }

  private List<Message> pull(String database, int count) throws Exception {
    JetStreamSubscription subscription = nats.jetStream().subscribe(null,
        PullSubscribeOptions.bind(DefaultStreams.MARKET_DATA, database + "-trade"));
    List<Message> messages = subscription.fetch(count, Duration.ofSeconds(5));
    subscription.unsubscribe();
    return messages;
  }

  private List<Long> tradeIds(String symbol) {
    return storage.storage.listTrades(ListTradesRequest.newBuilder().setExchange("binance").setSymbol(symbol)
        .setLimit(10_000).build()).getTradesList().stream().map(t -> Long.parseLong(t.getTradeId())).toList();
  }
}
