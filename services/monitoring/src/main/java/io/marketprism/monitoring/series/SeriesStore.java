package io.marketprism.monitoring.series;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiConsumer;

/**
 * Every series monitoring knows — scraped from the instances' {@code /metrics} or derived by monitoring itself —
 * by metric name, then label set. Rules read one metric's series at a time, so the outer map is what keeps a rule's
 * cost proportional to its own metric's series, not to all of them.
 *
 * <p>Thread-safe: concurrent maps of synchronized buffers; the scraper and the signal sources write, the evaluator
 * reads.
 */
public final class SeriesStore {

  private final int capacity;
  private final Map<String, Map<Labels, SampleBuffer>> byMetric = new ConcurrentHashMap<>();

  /** @param capacity samples kept per series (the look-back of the longest window divided by the scrape interval) */
  public SeriesStore(int capacity) {
    this.capacity = capacity;
  }

  public void add(String metric, Labels labels, long timeNanos, double value) {
    byMetric.computeIfAbsent(metric, m -> new ConcurrentHashMap<>())
        .computeIfAbsent(labels, l -> new SampleBuffer(capacity))
        .add(timeNanos, value);
  }

  /** Calls {@code each} for every series of {@code metric}. */
  public void forEachSeries(String metric, BiConsumer<Labels, SampleBuffer> each) {
    Map<Labels, SampleBuffer> series = byMetric.get(metric);
    if (series != null) {
      series.forEach(each);
    }
  }

  /** Forgets series whose newest sample is older than {@code before}: their instance or symbol is gone. */
  public void dropOlderThan(long before) {
    byMetric.values().forEach(series -> series.values().removeIf(buffer -> buffer.lastTime() < before));
    byMetric.values().removeIf(Map::isEmpty);
  }

  public int seriesCount() {
    return byMetric.values().stream().mapToInt(Map::size).sum();
  }
}
