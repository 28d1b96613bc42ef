package io.marketprism.collector.instruments;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.marketprism.collector.exchange.InstrumentSource;
import io.marketprism.marketdata.v1.Instrument;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The instruments each exchange lists, loaded from its REST instrument endpoints ({@link InstrumentSource}s) and
 * refreshed every {@code refreshInterval}. A failed request (unreachable, an HTTP error, an answer not shaped as
 * documented) is counted in {@code marketprism_collector_instrument_refreshes_total{outcome="failed"}}, logged, and
 * tried again after {@code retryInterval}; the last good list stays in use meanwhile. An exchange's list is available
 * once every one of its sources has answered once (Binance: spot and futures; OKX: spot, swaps, futures).
 *
 * <p>Thread-safe: one scheduler thread fetches, sources one after another; readers see an immutable snapshot per
 * exchange. {@link #list} is O(1).
 */
public final class InstrumentDirectory implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(InstrumentDirectory.class);
  /** JSON numbers (Deribit's tick sizes) read as exact decimals, never through a double. */
  private static final ObjectMapper JSON = new ObjectMapper().enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);

  private final List<InstrumentSource> sources;
  private final HttpClient http;
  private final Duration refreshInterval;
  private final Duration retryInterval;
  private final Duration requestTimeout;
  private final Counter refreshes;
  private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(runnable -> {
    Thread thread = new Thread(runnable, "collector-instruments");
    thread.setDaemon(true);
    return thread;
  });
  /** The last good answer of each source; written by the scheduler thread only. */
  private final Map<InstrumentSource, List<Instrument>> latest = new ConcurrentHashMap<>();
  /** Per exchange, sorted by symbol; present once all of the exchange's sources answered. */
  private final Map<String, List<Instrument>> byExchange = new ConcurrentHashMap<>();
  /** Per exchange, the symbols of {@link #byExchange}'s list, for O(1) look-ups. */
  private final Map<String, Set<String>> symbolsByExchange = new ConcurrentHashMap<>();
  /** Actions waiting for an exchange's first list; guarded by itself. */
  private final Map<String, List<Runnable>> onFirstLoad = new HashMap<>();

  private InstrumentDirectory(Builder builder) {
    this.sources = List.copyOf(builder.sources);
    this.http = builder.http;
    this.refreshInterval = builder.refreshInterval;
    this.retryInterval = builder.retryInterval;
    this.requestTimeout = builder.requestTimeout;
    this.refreshes = Counter.builder()
        .name("marketprism_collector_instrument_refreshes_total")
        .help("Requests for an exchange's instrument list, by outcome (ok, failed); on failure the last good list stays")
        .labelNames("exchange", "outcome")
        .register(builder.registry);
  }

  public static Builder builder(HttpClient http, PrometheusRegistry registry) {
    return new Builder(http, registry);
  }

  /** Starts loading every source at once. */
  public InstrumentDirectory start() {
    for (InstrumentSource source : sources) {
      scheduler.execute(() -> refresh(source));
    }
    return this;
  }

  /** {@code exchange}'s instruments ordered by symbol; empty until each of its sources has been loaded once. */
  public Optional<List<Instrument>> list(String exchange) {
    return Optional.ofNullable(byExchange.get(exchange));
  }

  /** The normalized symbols {@code exchange} lists; empty until each of its sources has been loaded once. */
  public Optional<Set<String>> symbols(String exchange) {
    return Optional.ofNullable(symbolsByExchange.get(exchange));
  }

  /**
   * Runs {@code action} once {@code exchange}'s list is available: at once (on this thread) if it already is, else
   * on the loading thread right after the first list is published. An action that throws is logged.
   */
  public void whenLoaded(String exchange, Runnable action) {
    synchronized (onFirstLoad) {
      if (!byExchange.containsKey(exchange)) {
        onFirstLoad.computeIfAbsent(exchange, name -> new ArrayList<>()).add(action);
        return;
      }
    }
    runSafely(exchange, action);
  }

  private static void runSafely(String exchange, Runnable action) {
    try {
      action.run();
    } catch (RuntimeException e) {
      LOG.error("action on the first {} instrument list failed", exchange, e);
    }
  }

  /** How long a client should wait before asking again for a list that is not loaded yet. */
  public Duration retryAfter() {
    return retryInterval;
  }

  private void refresh(InstrumentSource source) {
    Duration next = refreshInterval;
    try {
      List<Instrument> instruments = fetch(source);
      latest.put(source, List.copyOf(instruments));
      publish(source.exchange());
      refreshes.labelValues(source.exchange(), "ok").inc();
      LOG.debug("{} lists {} instruments at {}", source.exchange(), instruments.size(), source.uri());
    } catch (IOException | RuntimeException e) {
      // RuntimeException too: an answer no reader expected must not end this source's refreshes.
      next = retryInterval;
      refreshes.labelValues(source.exchange(), "failed").inc();
      LOG.warn("instrument list {} could not be loaded ({}); {}; trying again in {}", source.uri(), e,
          latest.containsKey(source) ? "keeping the last good list" : "no list yet", next);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return;
    }
    try {
      scheduler.schedule(() -> refresh(source), next.toMillis(), TimeUnit.MILLISECONDS);
    } catch (RejectedExecutionException closed) {
      // closed while this request ran: nothing more to load
    }
  }

  private List<Instrument> fetch(InstrumentSource source) throws IOException, InterruptedException {
    HttpRequest request = HttpRequest.newBuilder(source.uri()).timeout(requestTimeout)
        .header("Accept", "application/json").GET().build();
    HttpResponse<InputStream> response = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
    try (InputStream body = response.body()) {
      if (response.statusCode() != 200) {
        String start = new String(body.readNBytes(200), StandardCharsets.UTF_8);
        throw new IOException("HTTP " + response.statusCode() + ": " + start);
      }
      JsonNode answer = JSON.readTree(body);
      if (answer == null) {
        throw new IllegalArgumentException("empty answer");
      }
      return source.reader().read(answer);
    }
  }

  /** Rebuilds {@code exchange}'s list from its sources' latest answers, if every one has answered. */
  private void publish(String exchange) {
    Map<String, Instrument> bySymbol = new TreeMap<>();
    for (InstrumentSource source : sources) {
      if (!source.exchange().equals(exchange)) {
        continue;
      }
      List<Instrument> answer = latest.get(source);
      if (answer == null) {
        return;
      }
      answer.forEach(instrument -> bySymbol.putIfAbsent(instrument.getSymbol(), instrument));
    }
    List<Instrument> sorted = new ArrayList<>(bySymbol.values());
    sorted.sort(Comparator.comparing(Instrument::getSymbol));
    symbolsByExchange.put(exchange, Set.copyOf(bySymbol.keySet()));
    List<Runnable> waiting;
    synchronized (onFirstLoad) {
      byExchange.put(exchange, List.copyOf(sorted));
      waiting = onFirstLoad.remove(exchange);
    }
    if (waiting != null) {
      waiting.forEach(action -> runSafely(exchange, action));
    }
  }

  @Override
  public void close() {
    scheduler.shutdownNow();
  }

  /** Options of an {@link InstrumentDirectory}. */
  public static final class Builder {
    private final HttpClient http;
    private final PrometheusRegistry registry;
    private final List<InstrumentSource> sources = new ArrayList<>();
    private Duration refreshInterval = Duration.ofHours(1);
    private Duration retryInterval = Duration.ofSeconds(30);
    private Duration requestTimeout = Duration.ofSeconds(30);

    private Builder(HttpClient http, PrometheusRegistry registry) {
      this.http = http;
      this.registry = registry;
    }

    public Builder sources(List<InstrumentSource> list) {
      sources.addAll(list);
      return this;
    }

    /** How often a loaded list is fetched again. */
    public Builder refreshInterval(Duration interval) {
      this.refreshInterval = interval;
      return this;
    }

    /** How soon a failed request is tried again. */
    public Builder retryInterval(Duration interval) {
      this.retryInterval = interval;
      return this;
    }

    /** How long one request may take, answer included. */
    public Builder requestTimeout(Duration timeout) {
      this.requestTimeout = timeout;
      return this;
    }

    public InstrumentDirectory build() {
      return new InstrumentDirectory(this);
    }
  }
}
