package io.marketprism.collector.feed;

/**
 * A per-second rate over a sliding window, from samples of a running total: {@link #sample} is called about
 * once a second, {@link #perSecond} divides the growth over the window by its length. Thread-safe
 * (synchronized; called once a second and per status request).
 */
final class RateWindow {
  private final long[] totals;
  private final long[] times;
  private int next;
  private int size;

  /** @param samples samples kept: the window is about this many sampling periods long */
  RateWindow(int samples) {
    totals = new long[samples];
    times = new long[samples];
  }

  synchronized void sample(long nanoTime, long total) {
    totals[next] = total;
    times[next] = nanoTime;
    next = (next + 1) % totals.length;
    size = Math.min(size + 1, totals.length);
  }

  /** Growth per second between the oldest and newest sample; 0 with fewer than two samples. */
  synchronized double perSecond() {
    if (size < 2) {
      return 0;
    }
    int newest = (next - 1 + totals.length) % totals.length;
    int oldest = size < totals.length ? 0 : next;
    long elapsed = times[newest] - times[oldest];
    return elapsed <= 0 ? 0 : (totals[newest] - totals[oldest]) * 1e9 / elapsed;
  }
}
