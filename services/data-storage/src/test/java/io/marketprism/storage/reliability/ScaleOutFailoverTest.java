package io.marketprism.storage.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.marketprism.messaging.BoundedPublisher;
import io.marketprism.messaging.DefaultStreams;
import io.marketprism.messaging.MarketDataMessages;
import io.marketprism.messaging.NatsConfig;
import io.marketprism.messaging.NatsConnections;
import io.marketprism.storage.DataStorageMain;
import io.marketprism.storage.StorageFixture;
import io.marketprism.supervisor.FreePorts;
import io.marketprism.supervisor.JavaServiceProcess;
import io.marketprism.testkit.ClickHouseServer;
import io.marketprism.testkit.NatsClusterForTest;
import io.marketprism.testkit.WithClickHouse;
import io.nats.client.Connection;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The scaled-out shape with real processes on loopback: a three-member NATS cluster (R3 streams and consumers), two
 * data-storage JVMs sharing their durable pull consumers, trades published at a steady rate; then one process is
 * SIGKILLed mid-stream — a storage replica, a NATS member, the stream leader's member. Every trade must be stored
 * exactly once (N distinct trade ids in N rows of the deduplicated table) and the killed NATS member must come back.
 */
@WithClickHouse
class ScaleOutFailoverTest {

  static final int TRADES = 12_000;
  static final int RATE_PER_SECOND = 1_500;

  @TempDir Path directory;
  ClickHouseServer clickHouse;
  NatsClusterForTest cluster;
  final List<JavaServiceProcess> storages = new ArrayList<>();
  Connection connection;

  @BeforeEach
  void startCluster() throws Exception {
    cluster = NatsClusterForTest.start(3);
    NatsConfig config = new NatsConfig().withUrl(cluster.urls()).withStreamReplicas(cluster.streamReplicas());
    connection = NatsConnections.connect(config, "scale-out-test", new PrometheusRegistry());
    DefaultStreams.ensure(connection, config.streams());
  }

  @AfterEach
  void stopAll() throws Exception {
    try {
      storages.forEach(JavaServiceProcess::stop);
      if (connection != null) {
        connection.close();
      }
    } finally {
      cluster.close();
    }
  }

  @Test
  void survivingStorageReplicaTakesTheWholeStreamWhenTheOtherIsKilled() throws Exception {
    String database = startStorageReplicas("scale_replica_kill");
    publishThroughKill(database, "RKILL-USDT", () -> storages.get(0).kill());
    assertThat(storages.get(0).isRunning()).isFalse();
  }

  @Test
  void killingANatsMemberWhileStorageIngestsStoresEveryTradeOnce() throws Exception {
    String database = startStorageReplicas("scale_member_kill");
    int[] killed = new int[1];
    publishThroughKill(database, "MKILL-USDT", () -> {
      String leader = streamLeader();
      killed[0] = cluster.indexOf(leader) == 0 ? 1 : 0; // a follower: the leader's death has its own test
      cluster.member(killed[0]).kill();
    });
    cluster.restart(killed[0]);
  }

  @Test
  void killingTheStreamLeadersMemberStoresEveryTradeOnce() throws Exception {
    String database = startStorageReplicas("scale_leader_kill");
    int[] killed = new int[1];
    publishThroughKill(database, "LKILL-USDT", () -> {
      killed[0] = cluster.indexOf(streamLeader());
      cluster.member(killed[0]).kill();
    });
    await().atMost(Duration.ofSeconds(30)).ignoreExceptions()
        .until(() -> cluster.indexOf(streamLeader()) != killed[0]);
    cluster.restart(killed[0]);
  }

  /** Two storage JVMs on one database and one durable name, so they share each type's pull consumer. */
  private String startStorageReplicas(String database) throws Exception {
    clickHouse.query("DROP DATABASE IF EXISTS " + database);
    for (int replica = 1; replica <= 2; replica++) {
      int port = FreePorts.allocate();
      Map<String, String> environment = StorageFixture.environment(cluster.urls(), clickHouse.jdbcUrl(), database);
      environment.put("MARKETPRISM_GRPC_PORT", Integer.toString(port));
      environment.put("MARKETPRISM_NATS_STREAMS_REPLICAS", Integer.toString(cluster.streamReplicas()));
      environment.put("MARKETPRISM_INGEST_BATCH_SIZE", "500");
      // what a killed replica held comes back to the survivor after the ack wait
      environment.put("MARKETPRISM_INGEST_ACK_WAIT", "3s");
      JavaServiceProcess storage =
          JavaServiceProcess.builder("storage-" + replica, port)
              .classpath(JavaServiceProcess.Classpath.of(System.getProperty("java.class.path")))
              .mainClass(DataStorageMain.class.getName())
              .jvmOptions(List.of("-Xmx256m", "-XX:+UseSerialGC"))
              .environment(environment)
              .logFile(directory.resolve("storage-" + replica + ".log"))
              .readyTimeout(Duration.ofSeconds(240)) // JVM start-up under a shared machine's load
              .stopGrace(Duration.ofSeconds(10))
              .build();
      storages.add(storage);
    }
    // one after the other: both would create the tables at once otherwise
    for (JavaServiceProcess storage : storages) {
      storage.start();
    }
    return database;
  }

  /**
   * Publishes {@link #TRADES} trades at a steady rate, runs {@code kill} once a third of them are stored, and checks
   * that each trade is stored exactly once.
   */
  private void publishThroughKill(String database, String symbol, Kill kill) throws Exception {
    NatsConfig config = new NatsConfig().withUrl(cluster.urls()).withPublisher(1024, 100_000, Duration.ofSeconds(2));
    try (BoundedPublisher publisher = BoundedPublisher.start(connection, config.publisher(), new PrometheusRegistry())) {
      AtomicInteger published = new AtomicInteger();
      Thread steady = new Thread(() -> publishSteadily(publisher, symbol, published), "steady-publisher");
      steady.start();
      // mid-stream: a third published and some of it stored (on a loaded machine storage may lag the publisher)
      await().atMost(Duration.ofSeconds(120))
          .until(() -> published.get() >= TRADES / 3 && stored(database, symbol) > 0);
      long ackedAtKill = publisher.acked();
      long storedAtKill = stored(database, symbol);
      long killedAt = System.nanoTime();
      kill.run();
      long resumeTarget = Math.min(ackedAtKill + 1_000, TRADES);
      await().atMost(Duration.ofSeconds(30)).until(() -> publisher.acked() >= resumeTarget);
      long resumedMillis = Duration.ofNanos(System.nanoTime() - killedAt).toMillis();
      steady.join(Duration.ofSeconds(90).toMillis());
      assertThat(published.get()).isEqualTo(TRADES);
      assertThat(publisher.flush(Duration.ofSeconds(60))).isTrue();
      System.out.printf("%s: killed with %d acked, %d stored; %d acked %d ms after the kill; %d retried, %d duplicate"
          + " acks%n", symbol, ackedAtKill, storedAtKill, resumeTarget, resumedMillis, publisher.retried(),
          publisher.duplicates());
    }
    await().atMost(Duration.ofSeconds(180)).until(() -> stored(database, symbol) >= TRADES);
    // N rows after deduplication, N distinct ids, every id of 0..N-1: nothing lost, nothing doubled
    String[] counts = clickHouse.query("SELECT count(), uniqExact(trade_id), min(toUInt64(trade_id)),"
        + " max(toUInt64(trade_id)) FROM " + database + ".trades FINAL WHERE symbol = '" + symbol + "'")
        .strip().split("\t");
    assertThat(counts).containsExactly(Integer.toString(TRADES), Integer.toString(TRADES), "0",
        Integer.toString(TRADES - 1));
  }

  private static void publishSteadily(BoundedPublisher publisher, String symbol, AtomicInteger published) {
    long periodNanos = 1_000_000_000L / RATE_PER_SECOND;
    long start = System.nanoTime();
    try {
      for (int i = 0; i < TRADES; i++) {
        long wait = start + i * periodNanos - System.nanoTime();
        if (wait > 0) {
          Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
        }
        var trade = StorageFixture.trade(symbol, i, StorageFixture.DAY_20231114 + i * 1_000L);
        if (!publisher.publish(MarketDataMessages.of(trade), Duration.ofSeconds(30))) {
          throw new IllegalStateException("trade " + i + " shed");
        }
        published.incrementAndGet();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Distinct trades of {@code symbol} stored so far. */
  private long stored(String database, String symbol) {
    try {
      return Long.parseLong(clickHouse.query("SELECT uniqExact(trade_id) FROM " + database
          + ".trades WHERE symbol = '" + symbol + "'").strip());
    } catch (IllegalStateException noTableYet) {
      return 0;
    }
  }

  private String streamLeader() throws Exception {
    return connection.jetStreamManagement().getStreamInfo(DefaultStreams.MARKET_DATA).getClusterInfo().getLeader();
  }

  /** What a test kills. */
  @FunctionalInterface
  private interface Kill {
    void run() throws Exception;
  }
}
