package io.marketprism.collector;

import io.marketprism.kit.config.ConfigLoader;
import io.marketprism.simulator.ExchangeSimulator;
import io.marketprism.simulator.config.SimulatorConfig;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/** The embedded exchange simulator on a free port, and its admin API, for tests over real WebSockets. */
public final class SimulatorFixture {
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  private SimulatorFixture() {}

  /**
   * A simulator on a free port with its default markets and {@code overrides} as environment. Each gets its own
   * seed, hence its own sequence numbers: tests share one NATS, whose duplicate window would otherwise drop
   * one test's messages as repeats of another's (same {@code Nats-Msg-Id}).
   */
  public static ExchangeSimulator start(Map<String, String> overrides) throws InterruptedException {
    Map<String, String> environment = new HashMap<>();
    environment.put("MARKETPRISM_FEED_PORT", "0");
    environment.put("MARKETPRISM_GRPC_PORT", "0");
    environment.put("MARKETPRISM_MARKETS_SEED", Long.toString(ThreadLocalRandom.current().nextLong(1, 1L << 40)));
    environment.put("MARKETPRISM_RATE_PER_SYMBOL", "100");
    environment.putAll(overrides);
    return ExchangeSimulator.start(ConfigLoader.load(SimulatorConfig.class, null, environment));
  }

  /** The collector's config pointing at {@code simulator}, with {@code overrides} as environment. */
  public static MarketDataCollectorConfig collectorConfig(ExchangeSimulator simulator, Map<String, String> overrides) {
    Map<String, String> environment = new HashMap<>();
    environment.put("MARKETPRISM_PEERS_EXCHANGE_SIMULATOR_FEED", simulator.hostPort());
    environment.putAll(overrides);
    return ConfigLoader.load(MarketDataCollectorConfig.class, null, environment);
  }

  /** POSTs {@code json} to the simulator's admin API; returns the answer's body. */
  public static String admin(ExchangeSimulator simulator, String path, String json) throws Exception {
    HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create("http://" + simulator.hostPort() + path))
        .POST(HttpRequest.BodyPublishers.ofString(json)).build(), HttpResponse.BodyHandlers.ofString());
    if (response.statusCode() != 200) {
      throw new IllegalStateException("admin " + path + " answered " + response.statusCode() + ": " + response.body());
    }
    return response.body();
  }

  /** GETs a simulator admin path. */
  public static String get(ExchangeSimulator simulator, String path) throws Exception {
    return HTTP.send(HttpRequest.newBuilder(URI.create("http://" + simulator.hostPort() + path)).build(),
        HttpResponse.BodyHandlers.ofString()).body();
  }
}
