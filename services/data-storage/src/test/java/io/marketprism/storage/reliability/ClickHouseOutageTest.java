package io.marketprism.storage.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import io.marketprism.marketdata.v1.MarketEvent;
import io.marketprism.messaging.DefaultStreams;
import io.marketprism.storage.StorageFixture;
import io.marketprism.storage.v1.ListTradesRequest;
import io.marketprism.supervisor.Binaries;
import io.marketprism.supervisor.ClickHouseServerProcess;
import io.marketprism.supervisor.FreePorts;
import io.marketprism.testkit.NatsServer;
import io.marketprism.testkit.WithNats;
import io.nats.client.api.ConsumerInfo;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * ClickHouse stops for {@value #OUTAGE_SECONDS} s during ingest and comes back, while trades keep being published
 * before, during and after the outage. The outage outlasts the consumer's ack wait (10 s) several times, so the
 * unacked messages of the stalled batch are redelivered meanwhile; none may be lost and none may show twice.
 */
@WithNats
class ClickHouseOutageTest {

  static final int OUTAGE_SECONDS = 30;
  static final int TRADES = 10_000;
  /** 100 trades every 400 ms: the publisher runs for ~40 s, longer than the outage. */
  static final long PUBLISH_PAUSE_MILLIS = 400;

  @TempDir Path directory;
  ClickHouseServerProcess clickHouse;
  StorageFixture storage;

  @BeforeEach
  void start(NatsServer nats) throws Exception {
    List<Integer> ports = FreePorts.allocate(2);
    clickHouse = ClickHouseServerProcess.builder(directory)
        .binary(Binaries.require("clickhouse-server"))
        .httpPort(ports.get(0))
        .tcpPort(ports.get(1))
        .maxMemoryUsageBytes(1L << 30)
        .readyTimeout(Duration.ofSeconds(60))
        .stopGrace(Duration.ofSeconds(10))
        .build();
    clickHouse.start();
    storage = StorageFixture.start(nats.url(), clickHouse.jdbcUrl(), "outage_test",
        Map.of("MARKETPRISM_INGEST_DURABLE", "outage-test"));
  }

  @AfterEach
  void stop() throws Exception {
    try {
      if (storage != null) {
        storage.close();
      }
    } finally {
      clickHouse.stop();
    }
  }

  @Test
  void nothingIsLostWhileClickHouseIsDownAndHealthSaysNotServingMeanwhile() throws Exception {
    var health = HealthGrpc.newBlockingStub(storage.channel);
    AtomicReference<Exception> publishFailure = new AtomicReference<>();
    Thread publisher = new Thread(() -> {
      try {
        for (int i = 0; i < TRADES; i += 100) {
          List<MarketEvent> batch = new ArrayList<>();
          for (int j = i; j < i + 100; j++) {
            batch.add(StorageFixture.trade("OUTAGE-USDT", j, StorageFixture.DAY_20231114 + j * 1_000L));
          }
          storage.publish(batch);
          Thread.sleep(PUBLISH_PAUSE_MILLIS);
        }
      } catch (Exception e) {
        publishFailure.set(e);
      }
    });
    publisher.start();
    await().atMost(Duration.ofSeconds(30)).until(() -> storedCount() > 0);

    clickHouse.stop();
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(health.check(
        HealthCheckRequest.getDefaultInstance()).getStatus()).isEqualTo(ServingStatus.NOT_SERVING));
    Thread.sleep(Duration.ofSeconds(OUTAGE_SECONDS).toMillis());
    assertThat(publisher.isAlive()).as("still publishing when ClickHouse comes back").isTrue();
    ConsumerInfo consumer = storage.nats.jetStreamManagement()
        .getConsumerInfo(DefaultStreams.MARKET_DATA, "outage-test-trade");
    assertThat(consumer.getNumPending() + consumer.getNumAckPending()).as("lag while ClickHouse is down")
        .isPositive();
    assertThat(health.check(HealthCheckRequest.getDefaultInstance()).getStatus())
        .isEqualTo(ServingStatus.NOT_SERVING);

    clickHouse.start();
    publisher.join();
    assertThat(publishFailure.get()).isNull();

    await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(storage.storage.listTrades(
        ListTradesRequest.newBuilder().setExchange("binance").setSymbol("OUTAGE-USDT").setLimit(10_000).build())
        .getTradesList()).extracting(t -> Long.parseLong(t.getTradeId()))
        .containsExactlyElementsOf(LongStream.range(0, TRADES).boxed().toList()));
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(health.check(
        HealthCheckRequest.getDefaultInstance()).getStatus()).isEqualTo(ServingStatus.SERVING));
  }

  private long storedCount() {
    try {
      return storage.storage.listTrades(ListTradesRequest.newBuilder().setExchange("binance")
          .setSymbol("OUTAGE-USDT").setLimit(10_000).build()).getTradesCount();
    } catch (RuntimeException unavailable) {
      return 0;
    }
  }
}
