package io.marketprism.simulator.bench;

import io.marketprism.kit.config.ConfigLoader;
import io.marketprism.simulator.ExchangeSimulator;
import io.marketprism.simulator.config.SimulatorConfig;
import io.marketprism.simulator.feed.FeedServer;
import io.marketprism.simulator.feed.ProtocolSession;
import io.marketprism.simulator.feed.WebSocketConnection;
import io.marketprism.simulator.feed.WebSocketEndpoint;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * Load driver: how many frames a second real WebSocket clients receive from the simulator, against a baseline of the
 * same clients receiving same-size frames from the same feed server with no market model behind it.
 *
 * <pre>
 * mvn -B -q -pl services/exchange-simulator test-compile
 * java -cp "$(cat services/exchange-simulator/target/classpath.txt):services/exchange-simulator/target/classes:services/exchange-simulator/target/test-classes" \
 *   io.marketprism.simulator.bench.FeedLoadDriver [events-per-second-total] [seconds]
 * </pre>
 *
 * (classpath.txt is written by {@code mvn package}.) Clients: one Binance ({@code /stream}, trade + aggTrade +
 * bookTicker of every spot symbol), one OKX (trades, bbo-tbt, books), one Deribit (trades.raw, book.raw,
 * ticker.raw), all with the JDK's {@code java.net.http.WebSocket}.
 */
public final class FeedLoadDriver {

  private static final int WARMUP_SECONDS = 3;

  public static void main(String[] args) throws Exception {
    double eventsPerSecond = args.length > 0 ? Double.parseDouble(args[0]) : 200_000;
    int seconds = args.length > 1 ? Integer.parseInt(args[1]) : 10;

    Map<String, String> environment = new HashMap<>();
    environment.put("MARKETPRISM_FEED_PORT", "0");
    environment.put("MARKETPRISM_RATE_TOTAL", Double.toString(eventsPerSecond));
    environment.put("MARKETPRISM_MARKETS_SEED", "1");
    environment.put("MARKETPRISM_FEED_MAX_PENDING_BYTES", Integer.toString(256 << 20));
    SimulatorConfig config = ConfigLoader.load(SimulatorConfig.class, null, environment);

    double simulated;
    double averageBytes;
    try (ExchangeSimulator simulator = ExchangeSimulator.start(config)) {
      String base = "ws://" + simulator.hostPort();
      Counter counter = new Counter();
      List<WebSocket> sockets = new ArrayList<>();
      sockets.add(connect(base + "/stream?streams=btcusdt@trade/btcusdt@aggTrade/btcusdt@bookTicker/"
          + "ethusdt@trade/ethusdt@aggTrade/ethusdt@bookTicker", counter));
      sockets.add(connect(base + "/fapi/stream?streams=btcusdt@trade/btcusdt@bookTicker/btcusdt@depth@100ms", counter));
      WebSocket okx = connect(base + "/ws/v5/public", counter);
      okx.sendText("{\"op\":\"subscribe\",\"args\":[" + okxArgs("BTC-USDT") + "," + okxArgs("BTC-USDT-SWAP") + "]}", true);
      sockets.add(okx);
      WebSocket deribit = connect(base + "/ws/api/v2", counter);
      deribit.sendText("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"public/subscribe\",\"params\":{\"channels\":["
          + deribitChannels("BTC-PERPETUAL") + "," + deribitChannels("ETH-PERPETUAL") + "]}}", true);
      sockets.add(deribit);
      simulated = measure("simulator", counter, seconds);
      averageBytes = counter.averageBytes();
      sockets.forEach(WebSocket::abort);
    }

    double baseline;
    int frameBytes = (int) Math.round(averageBytes);
    Flood flood = new Flood(frameBytes);
    try (FeedServer server = FeedServer.builder().bind("127.0.0.1", 0).maxPendingBytes(4 << 20).webSocket(flood).start()) {
      Counter counter = new Counter();
      String base = "ws://127.0.0.1:" + server.address().getPort() + "/flood";
      List<WebSocket> sockets = new ArrayList<>();
      for (int i = 0; i < 4; i++) {
        sockets.add(connect(base, counter));
      }
      baseline = measure("baseline flood", counter, seconds);
      flood.stop();
      sockets.forEach(WebSocket::abort);
    }
    System.out.printf(
        "%nframes/s received: simulator %.0f, baseline flood of %d-byte frames %.0f, ratio %.2f%n",
        simulated, frameBytes, baseline, simulated / baseline);
  }

  private static String okxArgs(String instId) {
    return "{\"channel\":\"trades\",\"instId\":\"" + instId + "\"},{\"channel\":\"bbo-tbt\",\"instId\":\"" + instId
        + "\"},{\"channel\":\"books\",\"instId\":\"" + instId + "\"}";
  }

  private static String deribitChannels(String instrument) {
    return "\"trades." + instrument + ".raw\",\"book." + instrument + ".raw\",\"ticker." + instrument + ".raw\"";
  }

  private static double measure(String label, Counter counter, int seconds) throws InterruptedException {
    TimeUnit.SECONDS.sleep(WARMUP_SECONDS);
    long startFrames = counter.frames.sum();
    long start = System.nanoTime();
    TimeUnit.SECONDS.sleep(seconds);
    double rate = (counter.frames.sum() - startFrames) / ((System.nanoTime() - start) / 1e9);
    System.out.printf("%-16s %,.0f frames/s over %d s (after %d s warm-up)%n", label, rate, seconds, WARMUP_SECONDS);
    return rate;
  }

  private static WebSocket connect(String url, Counter counter) {
    return HttpClient.newHttpClient().newWebSocketBuilder().buildAsync(URI.create(url), counter).join();
  }

  /** Counts complete text frames and their characters; requests frames in large batches to keep up. */
  private static final class Counter implements WebSocket.Listener {
    final LongAdder frames = new LongAdder();
    final LongAdder chars = new LongAdder();

    @Override
    public void onOpen(WebSocket webSocket) {
      webSocket.request(Long.MAX_VALUE);
    }

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
      chars.add(data.length());
      if (last) {
        frames.increment();
      }
      return null;
    }

    double averageBytes() {
      return frames.sum() == 0 ? 200 : (double) chars.sum() / frames.sum();
    }
  }

  /** The baseline: pushes prebuilt frames as fast as each connection drains, no market model, no formatting. */
  private static final class Flood implements WebSocketEndpoint {
    private final String frame;
    private final AtomicLong running = new AtomicLong(1);

    Flood(int bytes) {
      StringBuilder text = new StringBuilder("{\"e\":\"flood\",\"pad\":\"");
      while (text.length() < bytes - 2) {
        text.append('x');
      }
      this.frame = text.append("\"}").toString();
    }

    void stop() {
      running.set(0);
    }

    @Override
    public boolean handles(String path) {
      return path.equals("/flood");
    }

    @Override
    public String exchange() {
      return "flood";
    }

    @Override
    public ProtocolSession open(WebSocketConnection connection, QueryStringDecoder request) {
      Thread producer =
          new Thread(
              () -> {
                // same path as market data: encode on a producer thread, queue, drain on the event loop;
                // 1,000 frames a batch keeps ahead of the clients without unbounded queueing
                while (running.get() == 1 && connection.isOpen()) {
                  for (int i = 0; i < 1_000 && connection.isWritable(); i++) {
                    connection.sendData(frame);
                  }
                  java.util.concurrent.locks.LockSupport.parkNanos(1_000_000);
                }
              },
              "flood-producer");
      producer.setDaemon(true);
      producer.start();
      return new ProtocolSession() {
        @Override
        public void onText(String text) {}

        @Override
        public void onClose() {}
      };
    }
  }
}
