package io.marketprism.gateway.traffic;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import com.linecorp.armeria.common.AggregatedHttpResponse;
import io.marketprism.gateway.policy.Glob;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Responses to idempotent GETs, kept for the time to live of the first route pattern that matches the path, keyed on
 * the caller's scope (role or subject), the path with its query and the {@code Accept} header, so one scope never
 * sees another's answer. Bounded by bytes (caffeine). Thread-safe.
 */
public final class ResponseCache {

  /** What a cached response was stored under. */
  public record Key(String scope, String pathAndQuery, String accept) {}

  /**
   * A stored response, the gRPC method that produced it (so a hit is still admitted by role and rate limit) and when
   * it was stored.
   */
  public record Entry(AggregatedHttpResponse response, String fullMethodName, Instant stored, Duration ttl) {}

  private record RouteTtl(Glob pattern, Duration ttl) {}

  private final List<RouteTtl> routes = new ArrayList<>();
  private final int maxEntryBytes;
  private final Cache<Key, Entry> entries;
  private final Counter lookups;

  public ResponseCache(TrafficConfig.Cache config, PrometheusRegistry metrics, Clock clock) {
    for (Map.Entry<String, Duration> route : config.routes().entrySet()) {
      routes.add(new RouteTtl(Glob.of(route.getKey()), route.getValue()));
    }
    this.maxEntryBytes = config.maxEntryBytes();
    this.entries =
        Caffeine.newBuilder()
            .maximumWeight(config.maxBytes())
            .<Key, Entry>weigher((key, entry) -> 256 + key.pathAndQuery().length() + entry.response().content().length())
            .expireAfter(
                new Expiry<Key, Entry>() {
                  @Override
                  public long expireAfterCreate(Key key, Entry entry, long now) {
                    return entry.ttl().toNanos();
                  }

                  @Override
                  public long expireAfterUpdate(Key key, Entry entry, long now, long remaining) {
                    return entry.ttl().toNanos();
                  }

                  @Override
                  public long expireAfterRead(Key key, Entry entry, long now, long remaining) {
                    return remaining;
                  }
                })
            .ticker(() -> {
              Instant now = clock.instant();
              return now.getEpochSecond() * 1_000_000_000L + now.getNano();
            })
            .build();
    this.lookups =
        Counter.builder()
            .name("marketprism_gateway_cache_lookups_total")
            .help("Response cache lookups for cacheable GETs, by result: hit or miss")
            .labelNames("result")
            .register(metrics);
  }

  /** The time to live of responses to {@code path}, if any route pattern makes it cacheable. */
  public Optional<Duration> ttlOf(String path) {
    for (RouteTtl route : routes) {
      if (route.pattern().matches(path)) {
        return Optional.of(route.ttl());
      }
    }
    return Optional.empty();
  }

  /** The live entry for {@code key}, counted as a hit or a miss. */
  public Optional<Entry> lookup(Key key) {
    Entry entry = entries.getIfPresent(key);
    lookups.labelValues(entry == null ? "miss" : "hit").inc();
    return Optional.ofNullable(entry);
  }

  /** Keeps {@code entry} unless its body is larger than {@code max-entry-bytes}. */
  public void store(Key key, Entry entry) {
    if (entry.response().content().length() <= maxEntryBytes) {
      entries.put(key, entry);
    }
  }
}
