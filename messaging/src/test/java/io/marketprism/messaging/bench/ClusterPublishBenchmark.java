package io.marketprism.messaging.bench;

import io.marketprism.marketdata.v1.MarketEvent;
import io.marketprism.messaging.BoundedPublisher;
import io.marketprism.messaging.DefaultStreams;
import io.marketprism.messaging.MarketDataMessages;
import io.marketprism.messaging.NatsConfig;
import io.marketprism.messaging.NatsConnections;
import io.marketprism.messaging.TestEvents;
import io.marketprism.supervisor.NatsServerProcess;
import io.marketprism.testkit.NatsClusterForTest;
import io.nats.client.Connection;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.time.Duration;
import io.marketprism.testkit.bench.BenchmarkResults;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;

/**
 * Benchmark (not a test): publish acks/s of {@link BoundedPublisher} on one nats-server with an R1 stream (the
 * baseline) against a three-member cluster with R3 streams, in the same run, alternating, with the CPU each process
 * spent per message (this JVM, each nats-server member by its pid — other nats-servers on the machine are not
 * counted). On a 2-core machine the three members and the publisher share the cores, so the ratio understates what
 * a cluster on three machines does; the CPU per message is what projects to bigger machines.
 *
 * <p>Arguments: {@code [messages per run, default 100000] [rounds, default 3] [in-flight window, default 4096]}; run
 * by {@code ./marketprism bench} through {@link #run()} with {@code -Dbench.messages}, {@code -Dbench.rounds} (quick
 * mode: 20,000 messages, one round: the rates of a loaded machine make 100,000 × 3 take minutes).
 */
public final class ClusterPublishBenchmark {

  private static final com.sun.management.OperatingSystemMXBean OS =
      (com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean();

  @Test
  void run() throws Exception {
    measure(BenchmarkResults.choose("bench.messages", 100_000, 20_000), BenchmarkResults.choose("bench.rounds", 3, 1),
        BenchmarkResults.choose("bench.window", 4096, 4096));
  }

  public static void main(String[] args) throws Exception {
    measure(args.length > 0 ? Integer.parseInt(args[0]) : 100_000, args.length > 1 ? Integer.parseInt(args[1]) : 3,
        args.length > 2 ? Integer.parseInt(args[2]) : 4096);
  }

  private static void measure(int count, int rounds, int window) throws Exception {
    try (NatsClusterForTest single = NatsClusterForTest.start(1);
        NatsClusterForTest cluster = NatsClusterForTest.start(3)) {
      Target one = Target.open("1 node R1", single, window);
      Target three = Target.open("3 nodes R3", cluster, window);
      // unmeasured warm-up of both paths
      one.run(count / 4, "warm");
      three.run(count / 4, "warm");
      List<Result[]> pairs = new ArrayList<>();
      for (int round = 1; round <= rounds; round++) {
        Result baseline = one.run(count, "r" + round);
        Result replicated = three.run(count, "r" + round);
        double ratio = replicated.perSecond() / baseline.perSecond();
        pairs.add(new Result[] {replicated, baseline});
        System.out.println(baseline);
        System.out.println(replicated);
        System.out.printf(Locale.ROOT, "round %d: 3-node R3 / 1-node R1 = %.2f%n", round, ratio);
      }
      pairs.sort(Comparator.comparingDouble(pair -> pair[0].perSecond() / pair[1].perSecond()));
      Result[] median = pairs.get(pairs.size() / 2);
      System.out.printf(Locale.ROOT, "median ratio %.2f over %d rounds, load average %.1f%n",
          median[0].perSecond() / median[1].perSecond(), rounds, OS.getSystemLoadAverage());
      BenchmarkResults results = BenchmarkResults.start(ClusterPublishBenchmark.class);
      results.compared("r3.acks", String.format(Locale.ROOT, "publish acks/s, 3-member cluster R3 vs 1"
          + " server R1 (%,d messages, %,d in flight; the round with the median ratio of %d)", count, window, rounds),
          median[0].perSecond(), "acks/s",
          median[1].perSecond(), "1 server R1 acks/s");
      results.compared("r3.server-cpu", "nats-server CPU per message, all 3 members vs 1 server (same round)",
          median[0].serverMicrosPerMessage(), "µs/msg", median[1].serverMicrosPerMessage(), "1 server µs/msg");
      one.close();
      three.close();
    }
  }

  /** One setup: a connection to its servers, the default streams with its replicas, a publisher. */
  private record Target(String name, NatsClusterForTest servers, Connection connection, BoundedPublisher publisher)
      implements AutoCloseable {

    static Target open(String name, NatsClusterForTest servers, int window) throws Exception {
      NatsConfig config = new NatsConfig().withUrl(servers.urls()).withStreamReplicas(servers.streamReplicas())
          .withPublisher(window, 100_000, Duration.ofSeconds(5));
      Connection connection = NatsConnections.connect(config, "cluster-publish-benchmark", new PrometheusRegistry());
      DefaultStreams.ensure(connection, config.streams());
      BoundedPublisher publisher = BoundedPublisher.start(connection, config.publisher(), new PrometheusRegistry());
      return new Target(name, servers, connection, publisher);
    }

    Result run(int count, String tag) throws Exception {
      long[] serverCpuBefore = serverCpuNanos();
      long jvmCpuBefore = OS.getProcessCpuTime();
      long ackedBefore = publisher.acked();
      long start = System.nanoTime();
      for (int i = 0; i < count; i++) {
        MarketEvent trade = TestEvents.trade("BENCH" + name.charAt(0) + tag.toUpperCase(Locale.ROOT) + "-USDT", i);
        if (!publisher.publish(MarketDataMessages.of(trade), Duration.ofSeconds(30))) {
          throw new IllegalStateException("shed during the benchmark");
        }
      }
      if (!publisher.flush(Duration.ofMinutes(5))) {
        throw new IllegalStateException("not all acked within 5 minutes");
      }
      long elapsed = System.nanoTime() - start;
      long[] serverCpuAfter = serverCpuNanos();
      long[] serverCpu = new long[serverCpuAfter.length];
      for (int member = 0; member < serverCpu.length; member++) {
        serverCpu[member] = serverCpuAfter[member] - serverCpuBefore[member];
      }
      return new Result(name, publisher.acked() - ackedBefore, elapsed, OS.getProcessCpuTime() - jvmCpuBefore,
          serverCpu);
    }

    private long[] serverCpuNanos() {
      long[] nanos = new long[servers.size()];
      for (int member = 0; member < nanos.length; member++) {
        NatsServerProcess process = servers.member(member);
        nanos[member] = process.process()
            .flatMap(running -> running.toHandle().info().totalCpuDuration())
            .map(Duration::toNanos)
            .orElse(0L);
      }
      return nanos;
    }

    @Override
    public void close() throws Exception {
      publisher.close();
      connection.close();
    }
  }

  private record Result(String name, long acked, long elapsedNanos, long jvmCpuNanos, long[] serverCpuNanos) {
    double perSecond() {
      return acked * 1e9 / elapsedNanos;
    }

    double serverMicrosPerMessage() {
      return java.util.Arrays.stream(serverCpuNanos).sum() / 1e3 / acked;
    }

    @Override
    public String toString() {
      StringBuilder servers = new StringBuilder();
      long serverTotal = 0;
      for (long nanos : serverCpuNanos) {
        servers.append(String.format(Locale.ROOT, " %.1f", nanos / 1e3 / acked));
        serverTotal += nanos;
      }
      return String.format(Locale.ROOT,
          "%-11s %,9.0f acks/s  CPU µs/msg: publisher JVM %.1f, nats-server members%s (total %.1f)", name,
          perSecond(), jvmCpuNanos / 1e3 / acked, servers, serverTotal / 1e3 / acked);
    }
  }
}
