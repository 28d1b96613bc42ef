package io.marketprism.storage.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.marketprism.config.ConfigCenterFixture;
import io.marketprism.config.v1.DeleteRequest;
import io.marketprism.config.v1.PutRequest;
import io.marketprism.messaging.DefaultStreams;
import io.marketprism.messaging.NatsConfig;
import io.marketprism.storage.StorageFixture;
import io.marketprism.storage.v1.ListTradesRequest;
import io.marketprism.testkit.ClickHouseServer;
import io.marketprism.testkit.NatsServer;
import io.marketprism.testkit.WithClickHouse;
import io.marketprism.testkit.WithNats;
import io.nats.client.Connection;
import io.nats.client.Nats;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The ingest's batch limits follow the config center's key {@code ingest} while storage runs: with the file's
 * ten-minute flush interval nothing is stored, a shorter interval put in the config center flushes, a value that
 * fails validation is refused, deleting the key goes back to the file's limits, and a batch size of one flushes.
 */
@WithNats
@WithClickHouse
class RuntimeBatchLimitsTest {

  static NatsServer natsServer;
  static ClickHouseServer clickHouseServer;

  @Test
  void batchLimitsChangeWithoutARestart() throws Exception {
    emptyMarketData();
    String environment = ConfigCenterFixture.uniqueEnvironment();
    try (ConfigCenterFixture center = ConfigCenterFixture.start(natsServer);
        StorageFixture storage = StorageFixture.start(natsServer.url(), clickHouseServer.jdbcUrl(), "runtime_limits",
            Map.of(
                "MARKETPRISM_INGEST_FLUSH_INTERVAL", "10m",
                "MARKETPRISM_INGEST_BATCH_SIZE", "1000000",
                "MARKETPRISM_RUNTIME_CONFIG_ENABLED", "true",
                "MARKETPRISM_RUNTIME_CONFIG_ENVIRONMENT", environment,
                "MARKETPRISM_PEERS_CONFIG_CENTER", "127.0.0.1:" + center.service().grpcAddress().getPort()))) {
      storage.publish(List.of(StorageFixture.trade("LIVE-USDT", 1, StorageFixture.DAY_20231114)));
      Thread.sleep(2_000); // the ingest has the trade; the file's limits hold it for ten minutes
      assertThat(stored(storage)).isZero();

      put(center, environment, "{flush-interval: 100ms}");
      await().atMost(Duration.ofSeconds(30)).until(() -> stored(storage) == 1);

      put(center, environment, "{flush-interval: 0s}"); // below the 1ms minimum: refused, 100ms stays
      await().atMost(Duration.ofSeconds(30)).until(() -> settings(storage, "rejected") == 1);
      center.blocking().delete(DeleteRequest.newBuilder().setEnvironment(environment).setNamespace("data-storage")
          .setKey("ingest").build());
      await().atMost(Duration.ofSeconds(30)).until(() -> settings(storage, "applied") == 2);
      storage.publish(List.of(StorageFixture.trade("LIVE-USDT", 2, StorageFixture.DAY_20231114 + 1)));
      Thread.sleep(2_000); // back to the file's ten minutes
      assertThat(stored(storage)).isEqualTo(1);

      put(center, environment, "{batch-size: 1}");
      await().atMost(Duration.ofSeconds(30)).until(() -> stored(storage) == 2);
    }
  }

  /**
   * This storage's durable starts at the stream's first message: what earlier test classes published would be one
   * huge first batch ahead of this test's trade. Deleted and re-created rather than purged (a purge keeps the
   * duplicate window).
   */
  private static void emptyMarketData() throws Exception {
    try (Connection connection = Nats.connect(natsServer.url())) {
      NatsConfig config = new NatsConfig().withUrl(natsServer.url());
      DefaultStreams.ensure(connection, config.streams());
      connection.jetStreamManagement().deleteStream(DefaultStreams.MARKET_DATA);
      DefaultStreams.ensure(connection, config.streams());
    }
  }

  private static void put(ConfigCenterFixture center, String environment, String yaml) {
    center.blocking().put(PutRequest.newBuilder().setEnvironment(environment).setNamespace("data-storage")
        .setKey("ingest").setValue(yaml).build());
  }

  /** {@code marketprism_runtime_settings_<outcome>_total{key="ingest"}}. */
  private static double settings(StorageFixture storage, String outcome) {
    return storage.metrics.scrape().stream()
        .filter(m -> m.getMetadata().getPrometheusName().equals("marketprism_runtime_settings_" + outcome))
        .flatMap(m -> ((CounterSnapshot) m).getDataPoints().stream())
        .filter(point -> "ingest".equals(point.getLabels().get("key")))
        .mapToDouble(CounterSnapshot.CounterDataPointSnapshot::getValue)
        .sum();
  }

  private static int stored(StorageFixture storage) {
    return storage.storage.listTrades(ListTradesRequest.newBuilder().setExchange("binance").setSymbol("LIVE-USDT")
        .setLimit(10).build()).getTradesCount();
  }
}
