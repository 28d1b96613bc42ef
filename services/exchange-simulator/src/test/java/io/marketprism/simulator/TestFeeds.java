package io.marketprism.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.marketprism.kit.config.ConfigLoader;
import io.marketprism.simulator.config.SimulatorConfig;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/** Starting a simulator on a free port, and a JDK WebSocket client that queues what it receives. */
public final class TestFeeds {

  public static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  private TestFeeds() {}

  /** A simulator on a free port with a fixed seed, brisk markets, and {@code overrides} as environment variables. */
  public static ExchangeSimulator start(Map<String, String> overrides) throws InterruptedException {
    Map<String, String> environment = new HashMap<>();
    environment.put("MARKETPRISM_FEED_PORT", "0");
    environment.put("MARKETPRISM_GRPC_PORT", "0");
    environment.put("MARKETPRISM_MARKETS_SEED", "42");
    environment.put("MARKETPRISM_RATE_PER_SYMBOL", "300");
    environment.putAll(overrides);
    return ExchangeSimulator.start(ConfigLoader.load(SimulatorConfig.class, null, environment));
  }

  public static HttpResponse<String> get(ExchangeSimulator simulator, String pathAndQuery)
      throws IOException, InterruptedException {
    return HTTP.send(
        HttpRequest.newBuilder(URI.create("http://" + simulator.hostPort() + pathAndQuery)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  public static HttpResponse<String> post(ExchangeSimulator simulator, String path, String body)
      throws IOException, InterruptedException {
    return HTTP.send(
        HttpRequest.newBuilder(URI.create("http://" + simulator.hostPort() + path))
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  public static JsonNode parse(String text) {
    try {
      return JSON.readTree(text);
    } catch (IOException e) {
      throw new AssertionError("not JSON: " + text, e);
    }
  }

  /** A connected client: every text frame lands in {@link #frames}; {@link #closed} completes when it ends. */
  public static final class Client implements WebSocket.Listener, AutoCloseable {
    public final BlockingQueue<String> frames = new LinkedBlockingQueue<>();
    public final CompletableFuture<String> closed = new CompletableFuture<>();
    private final StringBuilder partial = new StringBuilder();
    private final WebSocket socket;

    public Client(ExchangeSimulator simulator, String pathAndQuery) {
      this.socket =
          HttpClient.newHttpClient()
              .newWebSocketBuilder()
              .buildAsync(URI.create("ws://" + simulator.hostPort() + pathAndQuery), this)
              .orTimeout(10, TimeUnit.SECONDS)
              .join();
    }

    public void send(String text) {
      socket.sendText(text, true).join();
    }

    /**
     * Waits until the connection ends, probing it with a WebSocket ping every 100 ms meanwhile, and returns how it
     * ended ("close …", "error …", "ping failed …"); fails the test after {@code seconds}.
     *
     * <p>Why the pings: the JDK 17 WebSocket client sometimes never reports a peer's TCP close. In a test that drops
     * connections every 100 ms, about one client in a hundred had its socket in CLOSE_WAIT with nothing left to read,
     * yet neither {@code onClose} nor {@code onError} came, not even 18 s later. The client has seen the close
     * internally, though: its next send fails with "closed output". So a waiting client probes, as a real client's
     * keep-alive would, and a failed probe counts as the connection's end.
     */
    public String awaitClosed(int seconds) throws Exception {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
      while (System.nanoTime() < deadline) {
        try {
          return closed.get(100, TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.TimeoutException stillOpen) {
          socket.sendPing(java.nio.ByteBuffer.allocate(0)).whenComplete((ws, error) -> {
            if (error != null) {
              closed.complete("ping failed: " + error);
            }
          });
        }
      }
      throw new AssertionError("the connection stayed open for " + seconds + " s");
    }

    /** The next frame, failing the test if none comes within 10 s. */
    public String next() throws InterruptedException {
      String frame = frames.poll(10, TimeUnit.SECONDS);
      if (frame == null) {
        throw new AssertionError("no frame within 10 s" + (closed.isDone() ? " (closed: " + closed.join() + ")" : ""));
      }
      return frame;
    }

    /** The next frame that parses as JSON and matches {@code wanted}, skipping others. */
    public JsonNode nextMatching(Predicate<JsonNode> wanted) throws InterruptedException {
      long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
      while (System.nanoTime() < deadline) {
        String frame = frames.poll(100, TimeUnit.MILLISECONDS);
        if (frame == null) {
          continue;
        }
        try {
          JsonNode node = JSON.readTree(frame);
          if (wanted.test(node)) {
            return node;
          }
        } catch (IOException notJson) {
          // skipped, like any other frame that is not the one asked for
        }
      }
      throw new AssertionError("no matching frame within 10 s");
    }

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
      partial.append(data);
      if (last) {
        frames.add(partial.toString());
        partial.setLength(0);
      }
      webSocket.request(1);
      return null;
    }

    @Override
    public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
      closed.complete("close " + statusCode + " " + reason);
      return null;
    }

    @Override
    public void onError(WebSocket webSocket, Throwable error) {
      closed.complete("error " + error);
    }

    @Override
    public void close() {
      socket.abort();
    }
  }
}
