package io.marketprism.storage.bench;

import io.marketprism.testkit.bench.BenchmarkResults;
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
import io.nats.client.PurgeOptions;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.ClassicHistogramBucket;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongSupplier;
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
 * storage service (published into the stream first, then consumed), sustained and including start-up; their ratio;
 * (3) publish → JetStream ack and publish → queryable latency percentiles at a steady 20k trades/s after a warm-up,
 * measured from each trade's due time (a publisher that falls behind the rate adds its delay, rather than hiding it),
 * with the service's own batch-age and insert histograms. Each phase also prints the CPU that the JVM, nats-server
 * and ClickHouse used in it: on two shared cores that says more than any one rate.
 */
@WithNats
@WithClickHouse
class IngestBenchmark {

  // quick mode (./marketprism bench --quick): 300k trades after a 100k warm-up, 8 s of latency after 2 s: seconds
  // of sustained ingest rather than ten, so the rate is rougher, not a different measurement
  static final int TRADES = BenchmarkResults.choose("bench.trades", 1_000_000, 300_000);
  static final int BATCH = Integer.getInteger("bench.batch", 50_000);
  /** Trades ingested, unmeasured, before the measured backlog (0: none). */
  static final int WARM_UP_TRADES = BenchmarkResults.choose("bench.warm-up.trades", 300_000, 100_000);
  static final int RATE = Integer.getInteger("bench.rate", 20_000);
  static final int LATENCY_SECONDS = BenchmarkResults.choose("bench.latency.seconds", 15, 8);
  /** Seconds at the rate before latencies count: the freshly started service's JIT and the 1M-row merges settle. */
  static final int WARM_UP_SECONDS = BenchmarkResults.choose("bench.latency.warm-up.seconds", 3, 2);

  @Test
  void run(NatsServer nats, ClickHouseServer clickHouseServer) throws Exception {
    System.out.println("load      before: " + loadAverage());
    CpuTimes cpu = CpuTimes.now();
    double baseline = baseline(clickHouseServer);
    System.out.println("cpu       baseline: " + CpuTimes.now().since(cpu));
    System.out.printf("baseline  JDBC batch insert (%d rows, batches of %d): %,.0f trades/s%n", TRADES, BATCH,
        baseline);

    double endToEnd = endToEnd(nats, clickHouseServer);
    System.out.printf("ingest    JetStream -> storage -> ClickHouse (%d trades), sustained: %,.0f trades/s"
        + " (from the first stored batch to the last)%n", TRADES, endToEnd);
    System.out.printf("ratio     ingest / baseline = %.2f%n", endToEnd / baseline);
    BenchmarkResults results = BenchmarkResults.start(IngestBenchmark.class);
    results.row("ingest.sustained",
        String.format("storage ingest JetStream → ClickHouse, %,d trades, sustained", TRADES),
        endToEnd, "trades/s", baseline, "plain JDBC batch insert trades/s", endToEnd / baseline,
        "≥ 100k trades/s and ratio ≥ 0.5", endToEnd >= 100_000 && endToEnd / baseline >= 0.5);

    long p99 = latency(nats, clickHouseServer);
    results.figure("latency.p99",
        String.format("publish → queryable at %,d trades/s for %d s", RATE, LATENCY_SECONDS),
        p99, "ms p99", "p99 < 1 s", p99 < 1000);
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
  private static MarketEvent trade(String symbol, int i) {
    return StorageFixture.trade(symbol, i, StorageFixture.DAY_20231114 + i * 1_000L);
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
      rows.add(EventRows.toRow(table, trade("BENCH-USDT", i)));
      if (rows.size() == BATCH) {
        clickHouse.insert(sql, rows);
        rows.clear();
      }
    }
    clickHouse.insert(sql, rows);
    return perSecond(TRADES, System.nanoTime() - start);
  }

  /**
   * Sustained ingest of a backlog of {@link #TRADES} trades. A smaller backlog is ingested first, unmeasured, by a
   * service on another database, so that the measured one runs compiled code as a long-running service does rather
   * than freshly loaded code the JIT is still compiling; its trades are then purged from the stream.
   */
  private static double endToEnd(NatsServer nats, ClickHouseServer server) throws Exception {
    NatsConfig config = new NatsConfig().withUrl(nats.url());
    try (Connection connection = NatsConnections.connect(config, "bench", new PrometheusRegistry())) {
      DefaultStreams.ensure(connection, config.streams());
      if (WARM_UP_TRADES > 0) {
        publishBacklog(connection, config, "WARMUP-USDT", WARM_UP_TRADES);
        ingest(nats, server, "bench_warmup", WARM_UP_TRADES, false);
        connection.jetStreamManagement().purgeStream(DefaultStreams.MARKET_DATA,
            PurgeOptions.subject(MarketDataMessages.of(trade("WARMUP-USDT", 0)).subject()));
        System.out.printf("warm-up   %,d trades ingested into another database first, unmeasured%n", WARM_UP_TRADES);
      }
      long publishStart = System.nanoTime();
      publishBacklog(connection, config, "BENCH-USDT", TRADES);
      System.out.printf("publish   %d trades into JetStream: %,.0f trades/s%n", TRADES,
          perSecond(TRADES, System.nanoTime() - publishStart));
    }
    return ingest(nats, server, "bench_ingest", TRADES, true);
  }

  private static void publishBacklog(Connection connection, NatsConfig config, String symbol, int count)
      throws Exception {
    try (BoundedPublisher publisher = BoundedPublisher.start(connection,
        config.withPublisher(4096, 200_000, Duration.ofSeconds(10)).publisher(), new PrometheusRegistry())) {
      for (int i = 0; i < count; i++) {
        if (!publisher.publish(MarketDataMessages.of(trade(symbol, i)), Duration.ofSeconds(30))) {
          throw new IllegalStateException("publisher shed");
        }
      }
      if (!publisher.flush(Duration.ofSeconds(120))) {
        throw new IllegalStateException("the backlog was not acked within 120 s");
      }
    }
  }

  /**
   * Starts the service on {@code database} with the backlog waiting and runs it until it has stored {@code count}
   * trades; returns the sustained rate, from the first stored batch to the last.
   */
  private static double ingest(NatsServer nats, ClickHouseServer server, String database, int count, boolean report)
      throws Exception {
    server.query("DROP DATABASE IF EXISTS " + database);
    CpuTimes cpu = CpuTimes.now();
    long start = System.nanoTime();
    try (StorageFixture storage = StorageFixture.start(nats.url(), server.jdbcUrl(), database,
        Map.of("MARKETPRISM_INGEST_BATCH_SIZE", Integer.toString(BATCH),
            "MARKETPRISM_INGEST_FLUSH_INTERVAL", "200ms"))) {
      long firstRows = 0;
      long firstStored = 0;
      long rows;
      // the service's own count of inserted rows: free to read, where a query 20 times a second would take CPU from
      // what is measured; the table is checked once at the end
      while ((rows = rowsInserted(storage.metrics)) < count) {
        if (firstRows == 0 && rows > 0) {
          firstRows = rows;
          firstStored = System.nanoTime();
        }
        Thread.sleep(50);
      }
      long end = System.nanoTime();
      CpuTimes after = CpuTimes.now();
      if (storedRows(server, database) != count) {
        throw new IllegalStateException("the service counted " + rows + " rows inserted, the table has "
            + storedRows(server, database));
      }
      if (report) {
        System.out.println("cpu       ingest: " + after.since(cpu));
        System.out.println("cpu       ingest, jvm threads: " + after.threadsSince(cpu, Duration.ofMillis(100)));
        System.out.printf("ingest    incl. start-up (service started with the backlog waiting): %,.0f trades/s%n",
            perSecond(count, end - start));
      }
      return perSecond(count - firstRows, end - firstStored);
    }
  }

  /** Publishes at a steady rate with the service running; trade i is queryable once the count exceeds i. */
  /** Returns the p99 publish → queryable in ms. */
  private static long latency(NatsServer nats, ClickHouseServer server) throws Exception {
    int total = RATE * (WARM_UP_SECONDS + LATENCY_SECONDS);
    int warmUp = RATE * WARM_UP_SECONDS;
    long[] published = new long[total];
    long[] queryable = new long[total];
    long[] acked = new long[total];
    Arrays.fill(queryable, -1);
    Arrays.fill(acked, -1);
    try (StorageFixture storage = StorageFixture.start(nats.url(), server.jdbcUrl(), "bench_ingest",
        Map.of("MARKETPRISM_INGEST_BATCH_SIZE", Integer.toString(BATCH),
            "MARKETPRISM_INGEST_FLUSH_INTERVAL", "200ms"))) { // the service's default; tests use less
      // queryable when the table's row count passes i; acked when the publisher's ack count does (acks come in order)
      Thread poller = stampProgress(() -> storedRows(server, "bench_ingest") - TRADES, queryable,
          TimeUnit.MILLISECONDS.toNanos(20));
      long ackedBefore = storage.publisher.acked();
      Thread ackPoller = stampProgress(() -> storage.publisher.acked() - ackedBefore, acked,
          TimeUnit.MICROSECONDS.toNanos(100));
      // sent in 1 ms bursts, as frames come off a collector's sockets; a spinning sender would take a whole core
      int perBurst = Math.max(1, RATE / 1000);
      long start = System.nanoTime();
      for (int i = 0; i < total; i++) {
        long due = start + i * TimeUnit.SECONDS.toNanos(1) / RATE;
        if (i % perBurst == 0) {
          long wait;
          while ((wait = due - System.nanoTime()) > 0) {
            LockSupport.parkNanos(wait);
          }
        }
        OutgoingMessage message = MarketDataMessages.of(trade("LATENCY-USDT", i));
        // measured from when the trade was due, so that falling behind the rate shows as latency
        published[i] = due;
        if (!storage.publisher.publish(message, Duration.ofSeconds(60))) {
          throw new IllegalStateException("publisher shed at " + i);
        }
      }
      ackPoller.join(TimeUnit.SECONDS.toMillis(60));
      ackPoller.interrupt();
      poller.join(TimeUnit.SECONDS.toMillis(60));
      poller.interrupt();
      System.out.println("latency   of which in the service: " + histogram(storage.metrics,
          "marketprism_storage_batch_age_seconds") + "; insert alone: "
          + histogram(storage.metrics, "marketprism_storage_insert_seconds"));
    }
    System.out.println("latency   publish -> JetStream ack:   " + percentiles(published, acked, warmUp));
    System.out.println("latency   worst publish -> queryable in each second, warm-up first: "
        + worstPerSecond(published, queryable));
    System.out.printf("latency   publish -> queryable at %,d trades/s for %d s (after %d s warm-up): %s%n", RATE,
        LATENCY_SECONDS, WARM_UP_SECONDS, percentiles(published, queryable, warmUp));
    return millis(sorted(published, queryable, warmUp)[(int) ((published.length - warmUp) * 0.99)]);
  }

  /**
   * Starts a thread that, every {@code pauseNanos}, stamps {@code stampedAt[i]} with the time {@code reached} first
   * exceeds {@code i}, until every element is stamped or it is interrupted.
   */
  private static Thread stampProgress(LongSupplier reached, long[] stampedAt, long pauseNanos) {
    Thread thread = new Thread(() -> {
      int seen = 0;
      while (seen < stampedAt.length && !Thread.currentThread().isInterrupted()) {
        long count = reached.getAsLong();
        long now = System.nanoTime();
        while (seen < count && seen < stampedAt.length) {
          stampedAt[seen++] = now;
        }
        LockSupport.parkNanos(pauseNanos);
      }
    });
    thread.start();
    return thread;
  }

  /** The worst latency among the trades due in each second of the run, in ms: shows whether a tail is one stall. */
  private static String worstPerSecond(long[] from, long[] to) {
    StringBuilder text = new StringBuilder();
    for (int second = 0; second * RATE < from.length; second++) {
      long worst = 0;
      for (int i = second * RATE; i < Math.min(from.length, (second + 1) * RATE); i++) {
        worst = Math.max(worst, to[i] < 0 ? Long.MAX_VALUE : to[i] - from[i]);
      }
      text.append(millis(worst)).append(' ');
    }
    return text.toString().strip();
  }

  /**
   * p50, p99 and max of {@code to[i] - from[i]} for {@code i} from {@code first}; an {@code i} never reached counts as
   * infinitely late.
   */
  private static String percentiles(long[] from, long[] to, int first) {
    long[] latencies = sorted(from, to, first);
    return String.format("p50 %d ms, p99 %d ms, max %d ms", millis(latencies[latencies.length / 2]),
        millis(latencies[(int) (latencies.length * 0.99)]), millis(latencies[latencies.length - 1]));
  }

  /**
   * Rows in {@code <database>.trades}, from the parts' metadata: cheap, so that polling it does not take CPU from
   * what is measured (a scan of the table 50 times a second would). The benchmark publishes no duplicates.
   */
  private static long storedRows(ClickHouseServer server, String database) {
    String rows = server.query("SELECT sum(rows) FROM system.parts WHERE database = '" + database + "'"
        + " AND table = 'trades' AND active").strip();
    return rows.isEmpty() ? 0 : Long.parseLong(rows);
  }

  /** The service's {@code marketprism_storage_rows_stored_total} for the trades table. */
  private static long rowsInserted(PrometheusRegistry metrics) {
    for (MetricSnapshot snapshot : metrics.scrape()) {
      if (snapshot instanceof CounterSnapshot counter
          && snapshot.getMetadata().getPrometheusName().equals("marketprism_storage_rows_stored")) {
        for (CounterSnapshot.CounterDataPointSnapshot point : counter.getDataPoints()) {
          if ("trades".equals(point.getLabels().get("table"))) {
            return (long) point.getValue();
          }
        }
      }
    }
    return 0;
  }

  /** "n 75, mean 212 ms, batches per bucket: <=0.25s 60 <=0.5s 15": the trades table's histogram of the service, from its buckets. */
  private static String histogram(PrometheusRegistry metrics, String name) {
    for (MetricSnapshot snapshot : metrics.scrape()) {
      if (snapshot instanceof HistogramSnapshot histogram && snapshot.getMetadata().getPrometheusName().equals(name)) {
        for (HistogramSnapshot.HistogramDataPointSnapshot point : histogram.getDataPoints()) {
          if (!"trades".equals(point.getLabels().get("table"))) {
            continue;
          }
          StringBuilder text = new StringBuilder(String.format("n %d, mean %.0f ms", point.getCount(),
              point.getSum() * 1000 / Math.max(1, point.getCount())));
          text.append(", batches per bucket:");
          for (ClassicHistogramBucket bucket : point.getClassicBuckets()) {
            if (bucket.getCount() > 0) {
              text.append(String.format(" <=%ss %d", bucket.getUpperBound(), bucket.getCount()));
            }
          }
          return text.toString();
        }
      }
    }
    return "none";
  }

  private static long millis(long nanos) {
    return nanos == Long.MAX_VALUE ? -1 : TimeUnit.NANOSECONDS.toMillis(nanos);
  }

  /** The latencies {@code to - from} from index {@code first} on, sorted; never reached counts as the longest. */
  private static long[] sorted(long[] from, long[] to, int first) {
    long[] latencies = new long[from.length - first];
    for (int i = first; i < from.length; i++) {
      latencies[i - first] = to[i] < 0 ? Long.MAX_VALUE : to[i] - from[i];
    }
    Arrays.sort(latencies);
    return latencies;
  }

  private static double perSecond(long count, long nanos) {
    return count * 1e9 / nanos;
  }
}
