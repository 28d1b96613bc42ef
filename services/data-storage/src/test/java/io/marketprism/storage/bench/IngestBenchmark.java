package io.marketprism.storage.bench;

import io.marketprism.marketdata.v1.DataType;
import io.marketprism.marketdata.v1.MarketEvent;
import io.marketprism.messaging.BoundedPublisher;
import io.marketprism.messaging.DefaultStreams;
import io.marketprism.messaging.MarketDataMessages;
import io.marketprism.messaging.NatsConfig;
import io.marketprism.messaging.NatsConnections;
import io.marketprism.messaging.OutgoingMessage;
import io.marketprism.storage.StorageFixture;
import io.marketprism.storage.clickhouse.ClickHouse;
import io.marketprism.storage.schema.EventRows;
import io.marketprism.storage.schema.EventTable;
import io.marketprism.storage.schema.EventTables;
import io.marketprism.storage.schema.Migrations;
import io.marketprism.testkit.ClickHouseServer;
import io.marketprism.testkit.NatsServer;
import io.marketprism.testkit.WithClickHouse;
import io.marketprism.testkit.WithNats;
import io.nats.client.Connection;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Ingest benchmark, not part of the normal test run (its name matches no surefire include). Run:
 *
 * <pre>
 * mvn -B -o -pl services/data-storage test -Dtest=IngestBenchmark -Dsurefire.failIfNoSpecifiedTests=false \
 *     -Dbench.trades=1000000
 * </pre>
 *
 * <p>Prints, in one run against real NATS and ClickHouse on this machine: (1) the baseline, a plain JDBC batch insert
 * of N trade rows with no JetStream; (2) sustained ingest of the same N trades from JetStream into ClickHouse by the
 * storage service (published into the stream first, then consumed); their ratio; (3) publish → queryable latency
 * percentiles at a steady 20k trades/s, measured from each trade's due time (a publisher that falls behind the rate
 * adds its delay, rather than hiding it).
 */
@WithNats
@WithClickHouse
class IngestBenchmark {

  static final int TRADES = Integer.getInteger("bench.trades", 1_000_000);
  static final int BATCH = Integer.getInteger("bench.batch", 50_000);
  static final int RATE = Integer.getInteger("bench.rate", 20_000);
  static final int LATENCY_SECONDS = Integer.getInteger("bench.latency.seconds", 15);

  @Test
  void run(NatsServer nats, ClickHouseServer clickHouseServer) throws Exception {
    System.out.println("load      before: " + loadAverage());
    double baseline = baseline(clickHouseServer);
    System.out.printf("baseline  JDBC batch insert (%d rows, batches of %d): %,.0f trades/s%n", TRADES, BATCH,
        baseline);

    double endToEnd = endToEnd(nats, clickHouseServer);
    System.out.printf("ingest    JetStream -> storage -> ClickHouse (%d trades):  %,.0f trades/s%n", TRADES,
        endToEnd);
    System.out.printf("ratio     ingest / baseline = %.2f%n", endToEnd / baseline);

    latency(nats, clickHouseServer);
    System.out.println("load      after:  " + loadAverage());
  }

  /** The machine's load averages: the figures mean little when other work shares the cores. */
  private static String loadAverage() {
    try {
      return Files.readString(Path.of("/proc/loadavg")).strip() + " on "
          + Runtime.getRuntime().availableProcessors() + " cores";
    } catch (IOException e) {
      return "unknown";
    }
  }

  /**
   * Trade {@code i} of the run. Made when needed, in both phases, rather than held: a million events would fill
   * most of the test JVM's heap, which the storage service shares, and the figures would measure the collector
   * (garbage, that is) instead of the pipeline.
   */
  private static MarketEvent trade(int i) {
    return StorageFixture.trade("BENCH-USDT", i, StorageFixture.DAY_20231114 + i * 1_000L);
  }

  private static double baseline(ClickHouseServer server) throws Exception {
    server.query("DROP DATABASE IF EXISTS bench_baseline");
    ClickHouse clickHouse = new ClickHouse(server.jdbcUrl(), Duration.ofSeconds(120));
    Migrations.apply(clickHouse, "bench_baseline");
    EventTable table = EventTables.of(DataType.DATA_TYPE_TRADE);
    String sql = table.insertStatement("bench_baseline", table.hotName());
    long start = System.nanoTime();
    List<Object[]> rows = new ArrayList<>(BATCH);
    for (int i = 0; i < TRADES; i++) {
      rows.add(EventRows.toRow(table, trade(i)));
      if (rows.size() == BATCH) {
        clickHouse.insert(sql, rows);
        rows.clear();
      }
    }
    clickHouse.insert(sql, rows);
    return perSecond(TRADES, System.nanoTime() - start);
  }

  private static double endToEnd(NatsServer nats, ClickHouseServer server)
      throws Exception {
    server.query("DROP DATABASE IF EXISTS bench_ingest");
    NatsConfig config = new NatsConfig().withUrl(nats.url());
    try (Connection connection = NatsConnections.connect(config, "bench", new PrometheusRegistry());
        BoundedPublisher publisher = BoundedPublisher.start(connection,
            config.withPublisher(4096, 200_000, Duration.ofSeconds(10)).publisher(), new PrometheusRegistry())) {
      DefaultStreams.ensure(connection, config.streams());
      long publishStart = System.nanoTime();
      for (int i = 0; i < TRADES; i++) {
        if (!publisher.publish(MarketDataMessages.of(trade(i)), Duration.ofSeconds(30))) {
          throw new IllegalStateException("publisher shed");
        }
      }
      publisher.flush(Duration.ofSeconds(120));
      System.out.printf("publish   %d trades into JetStream: %,.0f trades/s%n", TRADES,
          perSecond(TRADES, System.nanoTime() - publishStart));
    }
    long start = System.nanoTime();
    try (StorageFixture storage = StorageFixture.start(nats.url(), server.jdbcUrl(), "bench_ingest",
        Map.of("MARKETPRISM_INGEST_BATCH_SIZE", Integer.toString(BATCH),
            "MARKETPRISM_INGEST_FLUSH_INTERVAL", "200ms"))) {
      while (storedRows(server) < TRADES) {
        Thread.sleep(50);
      }
      return perSecond(TRADES, System.nanoTime() - start);
    }
  }

  /** Publishes at a steady rate with the service running; trade i is queryable once the count exceeds i. */
  private static void latency(NatsServer nats, ClickHouseServer server) throws Exception {
    int total = RATE * LATENCY_SECONDS;
    long[] published = new long[total];
    long[] queryable = new long[total];
    Arrays.fill(queryable, -1);
    try (StorageFixture storage = StorageFixture.start(nats.url(), server.jdbcUrl(), "bench_ingest",
        Map.of("MARKETPRISM_INGEST_BATCH_SIZE", Integer.toString(BATCH)))) {
      Thread poller = new Thread(() -> {
        int seen = 0;
        while (seen < total && !Thread.currentThread().isInterrupted()) {
          long count = storedRows(server) - TRADES;
          long now = System.nanoTime();
          while (seen < count && seen < total) {
            queryable[seen++] = now;
          }
          try {
            Thread.sleep(20);
          } catch (InterruptedException e) {
            return;
          }
        }
      });
      poller.start();
      long start = System.nanoTime();
      long intervalNanos = TimeUnit.SECONDS.toNanos(1) / RATE;
      for (int i = 0; i < total; i++) {
        long due = start + i * intervalNanos;
        while (System.nanoTime() < due) {
          Thread.onSpinWait();
        }
        OutgoingMessage message = MarketDataMessages.of(
            StorageFixture.trade("LATENCY-USDT", i, StorageFixture.DAY_20231114 + i * 1_000L));
        // measured from when the trade was due, so that falling behind the rate shows as latency
        published[i] = due;
        if (!storage.publisher.publish(message, Duration.ofSeconds(60))) {
          throw new IllegalStateException("publisher shed at " + i);
        }
      }
      poller.join(TimeUnit.SECONDS.toMillis(60));
      poller.interrupt();
    }
    long[] latencies = new long[total];
    for (int i = 0; i < total; i++) {
      latencies[i] = queryable[i] < 0 ? Long.MAX_VALUE : queryable[i] - published[i];
    }
    Arrays.sort(latencies);
    System.out.printf("latency   publish -> queryable at %,d trades/s for %d s: p50 %d ms, p99 %d ms, max %d ms%n",
        RATE, LATENCY_SECONDS, millis(latencies[total / 2]), millis(latencies[(int) (total * 0.99)]),
        millis(latencies[total - 1]));
  }

  /**
   * Rows in {@code bench_ingest.trades}, from the parts' metadata: cheap, so that polling it does not take CPU from
   * what is measured (a scan of the table 50 times a second would). The benchmark publishes no duplicates.
   */
  private static long storedRows(ClickHouseServer server) {
    String rows = server.query("SELECT sum(rows) FROM system.parts WHERE database = 'bench_ingest'"
        + " AND table = 'trades' AND active").strip();
    return rows.isEmpty() ? 0 : Long.parseLong(rows);
  }

  private static long millis(long nanos) {
    return nanos == Long.MAX_VALUE ? -1 : TimeUnit.NANOSECONDS.toMillis(nanos);
  }

  private static double perSecond(long count, long nanos) {
    return count * 1e9 / nanos;
  }
}
