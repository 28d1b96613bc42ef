package io.marketprism.monitoring.scrape;

import io.marketprism.monitoring.MonitoringConfig;
import io.marketprism.monitoring.instances.InstanceDirectory;
import io.marketprism.monitoring.series.Labels;
import io.marketprism.monitoring.series.Nanos;
import io.marketprism.monitoring.series.SeriesStore;
import io.marketprism.monitoring.v1.Health;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Scrapes every registered instance's {@code /metrics} (the registry's address and the {@code metrics_port} it
 * registered) and the static targets, every {@code scrape.interval}, into the {@link SeriesStore}. As Prometheus does,
 * each series gets {@code job} (the service) and {@code instance} (its instance id) — a scraped label of the same name
 * is kept as {@code exported_job} / {@code exported_instance} — and each target an {@code up} series (1 scraped, 0
 * failed). {@link #INSTANCE_HEALTHY} is 1 for an instance the registry's health checks pass, else 0.
 */
public final class MetricsScraper implements AutoCloseable {

  /** 1 while the registry's health checks pass an instance, else 0; labels {@code service}, {@code instance_id}. */
  public static final String INSTANCE_HEALTHY = "marketprism_monitoring_instance_healthy";
  private static final Logger log = LoggerFactory.getLogger(MetricsScraper.class);

  /** One endpoint to scrape. */
  record Target(String job, String instance, String address) {}

  private final MonitoringConfig.Scrape config;
  private final String self;
  private final InstanceDirectory directory;
  private final SeriesStore store;
  private final Clock clock;
  private final HttpClient http;
  private final Map<String, String> lastErrors = new HashMap<>();
  private final AtomicInteger rounds = new AtomicInteger();
  private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "scrape");
    t.setDaemon(true);
    return t;
  });

  /** @param self monitoring's own service name, not scraped */
  public MetricsScraper(MonitoringConfig.Scrape config, InstanceDirectory directory, SeriesStore store, Clock clock,
      String self) {
    this.self = self;
    this.config = config;
    this.directory = directory;
    this.store = store;
    this.clock = clock;
    this.http = HttpClient.newBuilder().connectTimeout(config.timeout()).build();
  }

  public void start() {
    timer.scheduleAtFixedRate(this::scrapeAll, 0, config.interval().toMillis(), TimeUnit.MILLISECONDS);
  }

  /** One round: every target at once, waiting for all (each bounded by the timeout). */
  void scrapeAll() {
    try {
      long now = nowNanos();
      List<Target> targets = new ArrayList<>();
      for (InstanceDirectory.Entry entry : directory.entries()) {
        var registered = entry.registered();
        Labels id = Labels.of("service", registered.getService(), "instance_id", registered.getInstanceId());
        boolean healthy = InstanceDirectory.health(registered.getState()) == Health.HEALTH_SERVING;
        store.add(INSTANCE_HEALTHY, id, now, healthy ? 1 : 0);
        // monitoring's own /metrics re-exports what it derives; scraping it would count those series twice
        if (!registered.getService().equals(self)) {
          entry.metricsAddress().ifPresent(address ->
              targets.add(new Target(registered.getService(), registered.getInstanceId(), address)));
        }
      }
      config.staticTargets().forEach((job, address) -> targets.add(new Target(job, address, address)));
      CompletableFuture.allOf(targets.stream().map(this::scrape).toArray(CompletableFuture[]::new)).join();
      store.dropOlderThan(nowNanos() - config.staleAfter().toNanos());
    } catch (RuntimeException e) {
      log.error("scrape round failed", e);
    } finally {
      rounds.incrementAndGet();
    }
  }

  /** Scrape rounds done since start. */
  public int rounds() {
    return rounds.get();
  }

  private CompletableFuture<Void> scrape(Target target) {
    HttpRequest request = HttpRequest.newBuilder(URI.create("http://" + target.address() + "/metrics"))
        .timeout(config.timeout())
        .header("Accept", "text/plain; version=0.0.4")
        .GET().build();
    return http.sendAsync(request, HttpResponse.BodyHandlers.ofString()).handle((response, error) -> {
      long now = nowNanos();
      Labels up = Labels.of("job", target.job(), "instance", target.instance());
      String failure = null;
      if (error != null) {
        failure = error.toString();
      } else if (response.statusCode() != 200) {
        failure = "HTTP " + response.statusCode();
      } else {
        try {
          for (PrometheusText.Sample sample : PrometheusText.parse(response.body())) {
            store.add(sample.name(), labelled(sample.labels(), target), now, sample.value());
          }
        } catch (PrometheusText.FormatException e) {
          failure = "not Prometheus text: " + e.getMessage();
        }
      }
      store.add("up", up, now, failure == null ? 1 : 0);
      noteOutcome(target, failure);
      return null;
    });
  }

  // logs a target's failure once, and its recovery, rather than every round
  private synchronized void noteOutcome(Target target, String failure) {
    String key = target.job() + "/" + target.instance();
    String previous = failure == null ? lastErrors.remove(key) : lastErrors.put(key, failure);
    if (failure != null && previous == null) {
      log.warn("cannot scrape {} at {}: {}", key, target.address(), failure);
    } else if (failure == null && previous != null) {
      log.info("scraping {} at {} again", key, target.address());
    }
  }

  private static Labels labelled(Map<String, String> scraped, Target target) {
    Map<String, String> labels = new HashMap<>(scraped);
    if (labels.containsKey("job")) {
      labels.put("exported_job", labels.remove("job"));
    }
    if (labels.containsKey("instance")) {
      labels.put("exported_instance", labels.remove("instance"));
    }
    labels.put("job", target.job());
    labels.put("instance", target.instance());
    return Labels.of(labels);
  }

  private long nowNanos() {
    return Nanos.now(clock);
  }

  @Override
  public void close() {
    timer.shutdownNow();
  }
}
