package io.marketprism.storage.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import io.marketprism.marketdata.v1.MarketEvent;
import io.marketprism.marketdata.v1.Trade;
import io.marketprism.messaging.BoundedPublisher;
import io.marketprism.messaging.DefaultStreams;
import io.marketprism.messaging.NatsConfig;
import io.marketprism.messaging.NatsConnections;
import io.marketprism.storage.DataStorageMain;
import io.marketprism.storage.StorageFixture;
import io.marketprism.storage.v1.ListTradesRequest;
import io.marketprism.storage.v1.ListTradesResponse;
import io.marketprism.storage.v1.StorageServiceGrpc;
import io.marketprism.supervisor.FreePorts;
import io.marketprism.testkit.ClickHouseServer;
import io.marketprism.testkit.NatsServer;
import io.marketprism.testkit.WithClickHouse;
import io.marketprism.testkit.WithNats;
import io.nats.client.Connection;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The storage process is killed with SIGKILL while trades stream in, then started again: every trade is stored and
 * listed exactly once. The service runs as a real child JVM (this test JVM's classpath, {@link DataStorageMain}).
 */
@WithNats
@WithClickHouse
class KillRestartTest {

  static final int TRADES = 20_000;

  @TempDir Path directory;
  Process storage;
  ManagedChannel channel;

  @AfterEach
  void stop() throws Exception {
    if (channel != null) {
      channel.shutdownNow();
    }
    if (storage != null) {
      storage.destroy();
      storage.waitFor(15, TimeUnit.SECONDS);
      storage.destroyForcibly();
    }
  }

  @Test
  void everyTradeIsQueryableExactlyOnceAfterSigkillAndRestart(NatsServer nats, ClickHouseServer clickHouse)
      throws Exception {
    clickHouse.query("DROP DATABASE IF EXISTS kill_test");
    int port = FreePorts.allocate();
    Map<String, String> environment =
        StorageFixture.environment(nats.url(), clickHouse.jdbcUrl(), "kill_test");
    environment.put("MARKETPRISM_GRPC_PORT", Integer.toString(port));
    // small batches, so that the kill lands between many insert-then-ack steps
    environment.put("MARKETPRISM_INGEST_BATCH_SIZE", "500");
    // what the killed process held comes back after the ack wait
    environment.put("MARKETPRISM_INGEST_ACK_WAIT", "3s");
    channel = ManagedChannelBuilder.forAddress("127.0.0.1", port).usePlaintext().build();
    var api = StorageServiceGrpc.newBlockingStub(channel);

    storage = launch(environment, directory.resolve("first.log"));
    awaitServing();
    NatsConfig config = new NatsConfig().withUrl(nats.url());
    try (Connection connection = NatsConnections.connect(config, "kill-test", new PrometheusRegistry());
        BoundedPublisher publisher = BoundedPublisher.start(connection, config.publisher(), new PrometheusRegistry())) {
      DefaultStreams.ensure(connection, config.streams());
      for (int i = 0; i < TRADES; i++) {
        MarketEvent trade = StorageFixture.trade("KILL-USDT", i, StorageFixture.DAY_20231114 + i * 1_000L);
        while (!publisher.publish(trade)) {
          Thread.sleep(1);
        }
        if (i == TRADES / 2) {
          // mid-stream: wait until part of it is stored, then kill without warning
          await().atMost(Duration.ofSeconds(30)).until(() -> count(clickHouse) > 0);
          storage.destroyForcibly().waitFor();
          assertThat(count(clickHouse)).isLessThan(TRADES);
          storage = launch(environment, directory.resolve("second.log"));
        }
      }
      assertThat(publisher.flush(Duration.ofSeconds(60))).isTrue();
    }
    awaitServing();

    await().atMost(Duration.ofSeconds(60)).until(() -> count(clickHouse) >= TRADES);
    List<Trade> listed = new ArrayList<>();
    String token = "";
    do {
      ListTradesResponse page = api.listTrades(ListTradesRequest.newBuilder().setExchange("binance")
          .setSymbol("KILL-USDT").setLimit(10_000).setPageToken(token).build());
      // without a start time, pages go backward from the newest trade: each page is older than the one before
      listed.addAll(0, page.getTradesList());
      token = page.getNextPageToken();
    } while (!token.isEmpty());

    assertThat(listed).extracting(t -> Long.parseLong(t.getTradeId()))
        .containsExactlyElementsOf(LongStream.range(0, TRADES).boxed().toList());
  }

  /** Rows stored for the test's symbol, duplicates included (so the wait is for "at least"). */
  private static long count(ClickHouseServer clickHouse) {
    try {
      return Long.parseLong(clickHouse.query("SELECT count() FROM kill_test.trades WHERE symbol = 'KILL-USDT'")
          .strip());
    } catch (IllegalStateException noTableYet) {
      return 0;
    }
  }

  private void awaitServing() {
    var health = HealthGrpc.newBlockingStub(channel);
    await().atMost(Duration.ofSeconds(60)).ignoreExceptions().until(() -> health
        .withDeadlineAfter(2, TimeUnit.SECONDS)
        .check(HealthCheckRequest.getDefaultInstance()).getStatus() == ServingStatus.SERVING);
  }

  private static Process launch(Map<String, String> environment, Path log) throws Exception {
    String java = ProcessHandle.current().info().command().orElse("java");
    ProcessBuilder builder = new ProcessBuilder(java, "-Xmx256m", "-cp", System.getProperty("java.class.path"),
        DataStorageMain.class.getName());
    builder.environment().putAll(environment);
    builder.redirectErrorStream(true).redirectOutput(log.toFile());
    return builder.start();
  }

}
