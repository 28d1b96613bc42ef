package io.marketprism.collector.bench;

import io.marketprism.collector.connection.ConnectionSettings;
import io.marketprism.collector.exchange.ExchangeFeed;
import io.marketprism.collector.feed.Collector;
import io.marketprism.collector.feed.Venue;
import io.marketprism.collector.subscription.SubscriptionKey;
import io.marketprism.marketdata.v1.DataType;
import io.marketprism.marketdata.v1.MarketEvent;
import io.marketprism.marketdata.v1.Side;
import io.marketprism.marketdata.v1.Trade;
import io.marketprism.messaging.BoundedPublisher;
import io.marketprism.messaging.DefaultStreams;
import io.marketprism.messaging.MarketDataMessages;
import io.marketprism.messaging.NatsConfig;
import io.marketprism.messaging.NatsConnections;
import io.marketprism.messaging.OutgoingMessage;
import io.nats.client.Connection;
import io.nats.client.JetStream;
import io.nats.client.api.StorageType;
import io.nats.client.api.StreamConfiguration;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongSupplier;

/**
 * Load driver: frame received → JetStream acked latency of the collector at a fixed rate, against a baseline
 * of raw jnats async publishes of the same messages in the same run (see BENCHMARKS.md for the command).
 *
 * <p>Both runs send in 1 ms bursts (rate/1000 messages each, as frames arrive from a socket) for the same
 * time, and observe acks the same way: acks come back in publish order on one connection, so a poller that
 * sees the acked count grow from a to b stamps messages a..b-1 as acked now (resolution: its 20 µs park).
 *
 * <p>Latency counts from when each message was <em>due</em> at the rate, not from when the sender got to it: the
 * baseline's sender blocks on a full window, and stamping at send time would hide the backlog that builds behind it
 * (coordinated omission) while the collector path, which never blocks its caller, shows its backlog in full. And
 * each path runs once unmeasured first, so that neither is measured while the JIT is still compiling it.
 *
 * <ul>
 *   <li><b>collector</b>: Binance trade frames (unique trade ids) through {@code BinanceFeed.handle} — the
 *       streaming parse, normalization, the collector's subscription filter and counters — into messaging's
 *       {@code BoundedPublisher} (default limits: 4096 in flight, 100k buffer). Start: just before
 *       {@code handle}, as a connection stamps {@code receive_time_ns}.
 *   <li><b>baseline</b>: the same trades, already built as {@code MarketEvent}s, encoded and published with
 *       {@code JetStream.publishAsync} under the same in-flight window. Start: just before encoding.
 * </ul>
 *
 * Arguments: {@code [rate msgs/s, default 50000] [seconds, default 10] [acks in flight, default 4096]}. Starts its own {@code nats-server}
 * (JetStream, file storage, in a temporary directory); {@code -Dbench.memory-storage=true} keeps {@code MARKET_DATA} in
 * memory instead, to tell the file store's share of the latency from the rest.
 */
public final class PublishLatencyDriver {
  private static final double WARM_UP_FRACTION = 0.2;

  public static void main(String[] args) throws Exception {
    int rate = args.length > 0 ? Integer.parseInt(args[0]) : 50_000;
    int seconds = args.length > 1 ? Integer.parseInt(args[1]) : 10;
    int inFlight = args.length > 2 ? Integer.parseInt(args[2]) : 4096;
    int count = rate * seconds;
    Path store = Files.createTempDirectory("latency-nats-");
    int port = freePort();
    Process nats = new ProcessBuilder("nats-server", "-js", "-a", "127.0.0.1", "-p", Integer.toString(port), "-sd",
        store.toString()).redirectErrorStream(true).redirectOutput(store.resolve("nats.log").toFile()).start();
    try {
      awaitPort(port);
      NatsConfig config = new NatsConfig().withUrl("nats://127.0.0.1:" + port)
          .withPublisher(inFlight, 100_000, Duration.ofSeconds(5));
      try (Connection connection = NatsConnections.connect(config, "latency-driver", new PrometheusRegistry())) {
        DefaultStreams.ensure(connection, config.streams());
        if (Boolean.getBoolean("bench.memory-storage")) {
          // to tell the file store's share of the tail from the rest: same stream, kept in memory
          var management = connection.jetStreamManagement();
          var stream = management.getStreamInfo(DefaultStreams.MARKET_DATA).getConfiguration();
          management.deleteStream(DefaultStreams.MARKET_DATA);
          management.addStream(StreamConfiguration.builder(stream).storageType(StorageType.Memory).build());
        }
        System.out.println("MARKET_DATA storage: " + connection.jetStreamManagement()
            .getStreamInfo(DefaultStreams.MARKET_DATA).getConfiguration().getStorageType());
        System.out.printf(Locale.ROOT, "rate %,d msgs/s for %d s per run, %d in flight; first %.0f%% of each run is warm-up%n",
            rate, seconds, inFlight, WARM_UP_FRACTION * 100);
        int warmUp = Math.min(count, rate * 3);
        baseline(connection, rate, warmUp, inFlight, 8_000_000_000L);
        collector(connection, config, rate, warmUp, 2_000_000_000L);
        long[] baseline = baseline(connection, rate, count, inFlight, 9_000_000_000L);
        long[] collector = collector(connection, config, rate, count, 3_000_000_000L);
        report("baseline: jnats publishAsync", baseline);
        report("collector: frame → BinanceFeed → BoundedPublisher → ack", collector);
      }
    } finally {
      nats.destroy();
      nats.waitFor(10, TimeUnit.SECONDS);
      try (var files = Files.walk(store)) {
        files.sorted(java.util.Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
      }
    }
  }

  /** @param base the first trade id: each run's ids are its own, so no publish is a duplicate of another's */
  private static long[] baseline(Connection connection, int rate, int count, int inFlight, long base)
      throws Exception {
    JetStream jetStream = connection.jetStream();
    Semaphore window = new Semaphore(inFlight);
    AtomicLong acked = new AtomicLong();
    return run(rate, count, acked::get, i -> {
      MarketEvent event = MarketEvent.newBuilder().setTrade(Trade.newBuilder()
          .setExchange("binance").setSymbol("BTC-USDT").setNativeSymbol("BTCUSDT").setTradeId(Long.toString(base + i))
          .setSide(Side.SIDE_SELL).setPrice("42219.90000000").setAmount("0.01234000")
          .setExchangeTimeNs(System.currentTimeMillis() * 1_000_000L).setReceiveTimeNs(epochNanos())).build();
      OutgoingMessage message = MarketDataMessages.of(event);
      window.acquireUninterruptibly();
      jetStream.publishAsync(message.subject(), message.headers(), message.payload()).whenComplete((ack, error) -> {
        if (error != null) {
          throw new IllegalStateException("baseline publish failed", error);
        }
        acked.incrementAndGet();
        window.release();
      });
    });
  }

  private static long[] collector(Connection connection, NatsConfig config, int rate, int count, long base)
      throws Exception {
    BoundedPublisher publisher = BoundedPublisher.start(connection, config.publisher(), new PrometheusRegistry());
    // The venue's own connection is pointed at a closed port with a long backoff: it tries once and stays
    // quiet; frames come from this driver instead.
    ConnectionSettings nowhere = ConnectionSettings.builder(URI.create("ws://127.0.0.1:9/stream"))
        .restUri(URI.create("http://127.0.0.1:9")).backoff(Duration.ofMinutes(10), Duration.ofMinutes(10)).build();
    try (Collector collector = new Collector(java.util.Map.of(Venue.BINANCE_SPOT, nowhere), publisher::publish,
        new PrometheusRegistry(), HttpClient.newHttpClient(), Clock.systemUTC())) {
      collector.subscribe(List.of(new SubscriptionKey("binance", "BTC-USDT", "BTCUSDT", DataType.DATA_TYPE_TRADE)));
      ExchangeFeed feed = Venue.BINANCE_SPOT.newProtocol().newFeed(collector.listener(Venue.BINANCE_SPOT));
      StringBuilder frame = new StringBuilder(256);
      long[] latencies = run(rate, count, publisher::acked, i -> {
        long now = System.currentTimeMillis();
        frame.setLength(0);
        frame.append("{\"e\":\"trade\",\"E\":").append(now).append(",\"s\":\"BTCUSDT\",\"t\":").append(base + i)
            .append(",\"p\":\"42219.90000000\",\"q\":\"0.01234000\",\"T\":").append(now)
            .append(",\"m\":true,\"M\":true}");
        feed.handle(frame, epochNanos());
      });
      System.out.printf(Locale.ROOT, "collector run: %,d acked, %,d shed, %,d retried%n", publisher.acked(),
          publisher.shed(), publisher.retried());
      return latencies;
    } finally {
      publisher.close();
    }
  }

  /** Sends {@code count} messages at {@code rate} in 1 ms bursts; returns each one's due→ack latency (ns). */
  private static long[] run(int rate, int count, LongSupplier acked, Sender sender) throws Exception {
    long[] sent = new long[count];
    long[] latency = new long[count];
    long ackedBefore = acked.getAsLong();
    Thread poller = new Thread(() -> {
      long seen = 0;
      while (seen < count && !Thread.currentThread().isInterrupted()) {
        long now = acked.getAsLong() - ackedBefore;
        if (now > seen) {
          long at = System.nanoTime();
          for (long i = seen; i < Math.min(now, count); i++) {
            latency[(int) i] = at - sent[(int) i];
          }
          seen = now;
        } else {
          LockSupport.parkNanos(20_000);
        }
      }
    }, "ack-poller");
    poller.start();
    int perBurst = Math.max(1, rate / 1000);
    long start = System.nanoTime();
    for (int i = 0; i < count; i++) {
      if (i % perBurst == 0) {
        long due = start + (long) i * 1_000_000_000L / rate;
        long wait;
        while ((wait = due - System.nanoTime()) > 0) {
          LockSupport.parkNanos(wait);
        }
      }
      sent[i] = start + (long) i * 1_000_000_000L / rate;
      sender.send(i);
    }
    poller.join(TimeUnit.SECONDS.toMillis(30));
    if (poller.isAlive()) {
      poller.interrupt();
      throw new IllegalStateException("not every message was acked within 30 s: "
          + (acked.getAsLong() - ackedBefore) + " of " + count);
    }
    return Arrays.copyOfRange(latency, (int) (count * WARM_UP_FRACTION), count);
  }

  private static void report(String name, long[] latencies) {
    long[] sorted = latencies.clone();
    Arrays.sort(sorted);
    System.out.printf(Locale.ROOT, "%-58s p50 %7.3f ms  p90 %7.3f ms  p99 %7.3f ms  p99.9 %7.3f ms  max %7.3f ms  (n=%,d)%n",
        name, ms(sorted, 0.50), ms(sorted, 0.90), ms(sorted, 0.99), ms(sorted, 0.999),
        sorted[sorted.length - 1] / 1e6, sorted.length);
  }

  private static double ms(long[] sorted, double quantile) {
    return sorted[(int) Math.min(sorted.length - 1, Math.floor(quantile * sorted.length))] / 1e6;
  }

  private static long epochNanos() {
    Instant now = Instant.now();
    return now.getEpochSecond() * 1_000_000_000L + now.getNano();
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  private static void awaitPort(int port) throws InterruptedException {
    for (int attempt = 0; attempt < 100; attempt++) {
      try (Socket socket = new Socket("127.0.0.1", port)) {
        return;
      } catch (IOException notYet) {
        Thread.sleep(50);
      }
    }
    throw new IllegalStateException("nats-server did not start on port " + port);
  }

  @FunctionalInterface
  private interface Sender {
    void send(int index) throws Exception;
  }
}
