package io.marketprism.messaging.bench;

import io.marketprism.marketdata.v1.MarketEvent;
import io.marketprism.marketdata.v1.Side;
import io.marketprism.marketdata.v1.Trade;
import io.marketprism.messaging.BoundedPublisher;
import io.marketprism.messaging.DefaultStreams;
import io.marketprism.messaging.MarketDataMessages;
import io.marketprism.messaging.NatsConfig;
import io.marketprism.messaging.NatsConnections;
import io.marketprism.messaging.OutgoingMessage;
import io.marketprism.supervisor.Binaries;
import io.marketprism.supervisor.FreePorts;
import io.marketprism.supervisor.NatsServerProcess;
import io.nats.client.Connection;
import io.nats.client.JetStream;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.IntFunction;

/**
 * Load driver (not a test): throughput of {@link BoundedPublisher} against raw {@code JetStream.publishAsync}
 * under a semaphore of the same in-flight window, in the same run, against its own {@code nats-server -js}.
 *
 * <p>Each run publishes N messages as fast as the window allows: 150-byte payloads with the subject and headers
 * {@link MarketDataMessages#of(MarketEvent)} produces (unique {@code Nats-Msg-Id}, content type, trace header),
 * built on the producing thread in both runs. The publisher is fed with {@code publish(message, maxWait)} so that
 * it applies backpressure instead of shedding, like the baseline's blocking semaphore. A run ends when every
 * message is acked. Each window gets an unmeasured warm-up of both paths first, then {@code rounds} alternating
 * baseline/publisher pairs; each pair's ratio is printed and the median ratio summarises the window, because a
 * shared machine's load moves single figures a lot. Each run also prints the driver JVM's CPU time per message
 * (all its threads: producer, sender, jnats; not nats-server), which other processes' load disturbs far less.
 *
 * <p>Arguments: {@code [messages per run, default 500000] [windows, default 256,4096] [rounds, default 3]}. See
 * BENCHMARKS.md.
 */
public final class PublishThroughputDriver {

  private static final int PAYLOAD_BYTES = 150;

  private static final com.sun.management.OperatingSystemMXBean OS =
      (com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean();

  private PublishThroughputDriver() {}

  public static void main(String[] args) throws Exception {
    int count = args.length > 0 ? Integer.parseInt(args[0]) : 500_000;
    int[] windows = args.length > 1
        ? Arrays.stream(args[1].split(",")).mapToInt(Integer::parseInt).toArray()
        : new int[] {256, 4096};
    int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 3;
    Path directory = Files.createTempDirectory("publish-throughput-");
    List<Integer> ports = FreePorts.allocate(2);
    NatsServerProcess server = NatsServerProcess.builder(directory)
        .binary(Binaries.require("nats-server"))
        .port(ports.get(0))
        .monitorPort(ports.get(1))
        .readyTimeout(Duration.ofSeconds(30))
        .stopGrace(Duration.ofSeconds(5))
        .build();
    try {
      server.start(); // inside the try: a server that fails its readiness probe is still stopped
      NatsConfig config = new NatsConfig().withUrl(server.url());
      try (Connection connection = NatsConnections.connect(config, "throughput-driver", new PrometheusRegistry())) {
        DefaultStreams.ensure(connection, config.streams());
        System.out.printf(Locale.ROOT, "%,d messages of %d payload bytes per run%n", count, PAYLOAD_BYTES);
        int run = 0;
        for (int window : windows) {
          baseline(connection, window, count / 10, run++);
          publisher(connection, config, window, count / 10, run++);
          double[] ratios = new double[rounds];
          for (int round = 0; round < rounds; round++) {
            long cpu = OS.getProcessCpuTime();
            double raw = baseline(connection, window, count, run++);
            long rawCpu = OS.getProcessCpuTime() - cpu;
            cpu = OS.getProcessCpuTime();
            double bounded = publisher(connection, config, window, count, run++);
            long boundedCpu = OS.getProcessCpuTime() - cpu;
            ratios[round] = bounded / raw;
            System.out.printf(Locale.ROOT,
                "window %5d: publishAsync %,9.0f msgs/s %5.2f µs CPU/msg   BoundedPublisher %,9.0f msgs/s %5.2f µs"
                    + " CPU/msg   ratio %.2f%n",
                window, raw, rawCpu / 1e3 / count, bounded, boundedCpu / 1e3 / count, ratios[round]);
          }
          Arrays.sort(ratios);
          System.out.printf(Locale.ROOT, "window %5d: median ratio %.2f over %d rounds%n", window,
              ratios[rounds / 2], rounds);
        }
      }
    } finally {
      server.stop();
      try (var files = Files.walk(directory)) {
        files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
      }
    }
  }

  /** Raw publishAsync under a semaphore of {@code window} permits; returns msgs/s until the last ack. */
  private static double baseline(Connection connection, int window, int count, int run) throws Exception {
    JetStream jetStream = connection.jetStream();
    Semaphore permits = new Semaphore(window);
    AtomicLong acked = new AtomicLong();
    AtomicReference<Throwable> failure = new AtomicReference<>();
    IntFunction<OutgoingMessage> messages = messages(run);
    long start = System.nanoTime();
    for (int i = 0; i < count; i++) {
      OutgoingMessage message = messages.apply(i);
      permits.acquire();
      jetStream.publishAsync(message.subject(), message.headers(), message.payload()).whenComplete((ack, error) -> {
        if (error != null) {
          failure.compareAndSet(null, error);
        }
        acked.incrementAndGet();
        permits.release();
      });
    }
    permits.acquire(window);
    long elapsed = System.nanoTime() - start;
    if (failure.get() != null) {
      throw new IllegalStateException("baseline publish failed", failure.get());
    }
    return count * 1e9 / elapsed;
  }

  /** The same messages through a BoundedPublisher of {@code window} in flight; returns msgs/s until flushed. */
  private static double publisher(Connection connection, NatsConfig config, int window, int count, int run)
      throws Exception {
    NatsConfig.Publisher limits = config.withPublisher(window, 100_000, Duration.ofSeconds(5)).publisher();
    IntFunction<OutgoingMessage> messages = messages(run);
    try (BoundedPublisher publisher = BoundedPublisher.start(connection, limits, new PrometheusRegistry())) {
      long start = System.nanoTime();
      for (int i = 0; i < count; i++) {
        if (!publisher.publish(messages.apply(i), Duration.ofMinutes(1))) {
          throw new IllegalStateException("message " + i + " shed");
        }
      }
      if (!publisher.flush(Duration.ofMinutes(5))) {
        throw new IllegalStateException("not flushed within 5 minutes");
      }
      long elapsed = System.nanoTime() - start;
      if (publisher.acked() != count || publisher.duplicates() != 0) {
        throw new IllegalStateException(String.format(Locale.ROOT, "acked %d (%d duplicates, %d retried) of %d",
            publisher.acked(), publisher.duplicates(), publisher.retried(), count));
      }
      if (publisher.retried() > 0) {
        System.out.printf(Locale.ROOT, "  (window %d: %d retried)%n", window, publisher.retried());
      }
      return count * 1e9 / elapsed;
    }
  }

  /** Message {@code i} of run {@code run}: a trade's subject and headers, a 150-byte payload. */
  private static IntFunction<OutgoingMessage> messages(int run) {
    byte[] payload = new byte[PAYLOAD_BYTES];
    Arrays.fill(payload, (byte) 'x');
    String symbol = "R" + run + "-USDT";
    return i -> {
      MarketEvent event = MarketEvent.newBuilder()
          .setTrade(Trade.newBuilder()
              .setExchange("binance")
              .setSymbol(symbol)
              .setNativeSymbol(symbol.replace("-", ""))
              .setTradeId(Integer.toString(i))
              .setSide(Side.SIDE_BUY)
              .setPrice("42219.90000000")
              .setAmount("0.01234000")
              .setExchangeTimeNs(1_700_000_000_000_000_000L + i))
          .build();
      OutgoingMessage message = MarketDataMessages.of(event);
      return new OutgoingMessage(message.subject(), message.messageId(), message.headers(), payload);
    };
  }
}
