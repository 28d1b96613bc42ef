package io.marketprism.storage.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.marketprism.messaging.DefaultStreams;
import io.marketprism.storage.StorageFixture;
import io.marketprism.storage.v1.ListTradesRequest;
import io.marketprism.testkit.ClickHouseServer;
import io.marketprism.testkit.NatsServer;
import io.marketprism.testkit.WithClickHouse;
import io.marketprism.testkit.WithNats;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** An operator deletes the ingest's durable while it runs: the ingest makes it again and goes on storing. */
@WithNats
@WithClickHouse
class DeletedDurableTest {

  static NatsServer natsServer;
  static ClickHouseServer clickHouseServer;

  StorageFixture storage;

  @BeforeEach
  void start() throws Exception {
    storage = StorageFixture.start(natsServer.url(), clickHouseServer.jdbcUrl(), "deleted_durable_test", Map.of());
  }

  @AfterEach
  void stop() throws Exception {
    storage.close();
  }

  @Test
  void theDurableIsMadeAgainAndIngestGoesOn() throws Exception {
    storage.publish(List.of(StorageFixture.trade("BEFORE-USDT", 1, StorageFixture.DAY_20231114)));
    await().atMost(Duration.ofSeconds(30)).until(() -> trades("BEFORE-USDT") == 1);

    storage.nats.jetStreamManagement().deleteConsumer(DefaultStreams.MARKET_DATA, "deleted_durable_test-trade");
    storage.publish(List.of(StorageFixture.trade("AFTER-USDT", 1, StorageFixture.DAY_20231114)));

    await().atMost(Duration.ofSeconds(60)).until(() -> trades("AFTER-USDT") == 1);
    assertThat(storage.nats.jetStreamManagement()
        .getConsumerInfo(DefaultStreams.MARKET_DATA, "deleted_durable_test-trade")).isNotNull();
    // what the new durable delivered again is stored once
    assertThat(trades("BEFORE-USDT")).isEqualTo(1);
  }

  private int trades(String symbol) {
    return storage.storage.listTrades(ListTradesRequest.newBuilder().setExchange("binance").setSymbol(symbol)
        .build()).getTradesCount();
  }
}
