package io.marketprism.monitoring.series;

import io.marketprism.monitoring.v1.Aggregation;

/**
 * The recent samples of one series in a ring of fixed capacity (older samples are overwritten), and the reductions
 * rules apply to them. Times are nanoseconds since the epoch.
 *
 * <p>Each reduction is O(samples in the window). Synchronized: the scraper appends while rules read.
 */
public final class SampleBuffer {

  private final long[] times;
  private final double[] values;
  private int next;
  private int count;

  public SampleBuffer(int capacity) {
    if (capacity < 2) {
      throw new IllegalArgumentException("capacity must be at least 2");
    }
    times = new long[capacity];
    values = new double[capacity];
  }

  /** Appends a sample; a sample not newer than the last one is ignored (a repeated scrape of the same value). */
  public synchronized void add(long timeNanos, double value) {
    if (count > 0 && timeNanos <= times[index(count - 1)]) {
      return;
    }
    times[next] = timeNanos;
    values[next] = value;
    next = (next + 1) % times.length;
    count = Math.min(count + 1, times.length);
  }

  /** Time of the newest sample, or {@link Long#MIN_VALUE} if none. */
  public synchronized long lastTime() {
    return count == 0 ? Long.MIN_VALUE : times[index(count - 1)];
  }

  /**
   * The series reduced as the rule asks, or NaN when there is nothing to reduce: no sample newer than
   * {@code staleBefore} for LAST, fewer than one (two for RATE) samples within the window otherwise.
   */
  public synchronized double reduce(Aggregation aggregation, long windowNanos, long nowNanos, long staleBefore) {
    if (count == 0) {
      return Double.NaN;
    }
    if (aggregation == Aggregation.AGGREGATION_LAST || aggregation == Aggregation.AGGREGATION_UNSPECIFIED) {
      int last = index(count - 1);
      return times[last] < staleBefore ? Double.NaN : values[last];
    }
    long from = nowNanos - windowNanos;
    int first = count;
    while (first > 0 && times[index(first - 1)] >= from) {
      first--;
    }
    int inWindow = count - first;
    return switch (aggregation) {
      case AGGREGATION_RATE -> inWindow < 2 ? Double.NaN : rate(first);
      case AGGREGATION_AVG -> inWindow < 1 ? Double.NaN : sum(first) / inWindow;
      case AGGREGATION_MIN -> inWindow < 1 ? Double.NaN : extreme(first, true);
      case AGGREGATION_MAX -> inWindow < 1 ? Double.NaN : extreme(first, false);
      default -> throw new IllegalArgumentException("unknown aggregation " + aggregation);
    };
  }

  // per-second increase; a counter that went down was reset (a restart) and counts from zero again, as in PromQL
  private double rate(int first) {
    double increase = 0;
    double previous = values[index(first)];
    for (int i = first + 1; i < count; i++) {
      double value = values[index(i)];
      increase += value >= previous ? value - previous : value;
      previous = value;
    }
    long span = times[index(count - 1)] - times[index(first)];
    return span <= 0 ? Double.NaN : increase / (span / 1e9);
  }

  private double sum(int first) {
    double sum = 0;
    for (int i = first; i < count; i++) {
      sum += values[index(i)];
    }
    return sum;
  }

  private double extreme(int first, boolean min) {
    double result = values[index(first)];
    for (int i = first + 1; i < count; i++) {
      double value = values[index(i)];
      result = min ? Math.min(result, value) : Math.max(result, value);
    }
    return result;
  }

  // i-th oldest sample held
  private int index(int i) {
    int oldest = count < times.length ? 0 : next;
    return (oldest + i) % times.length;
  }
}
