package io.marketprism.simulator.market;

import java.util.Collections;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;

/**
 * An L2 book in ticks and lots: price → aggregate size per side, best price first.
 *
 * <p>Not thread-safe: its {@link Market} owns it and guards it with the market's lock.
 */
final class OrderBook {

  private final NavigableMap<Long, Long> bids = new TreeMap<>(Collections.reverseOrder());
  private final NavigableMap<Long, Long> asks = new TreeMap<>();

  NavigableMap<Long, Long> side(Side side) {
    return side == Side.BUY ? bids : asks;
  }

  /** Sets a level ({@code sizeLots == 0} deletes it) and says what kind of change that was. O(log levels). */
  BookChange set(Side side, long priceTicks, long sizeLots) {
    NavigableMap<Long, Long> levels = side(side);
    if (sizeLots == 0) {
      levels.remove(priceTicks);
      return new BookChange(BookChange.Kind.DELETE, side, priceTicks, 0);
    }
    Long previous = levels.put(priceTicks, sizeLots);
    return new BookChange(previous == null ? BookChange.Kind.NEW : BookChange.Kind.CHANGE, side, priceTicks, sizeLots);
  }

  /** The best level of {@code side}, or null when the side is empty. */
  Map.Entry<Long, Long> best(Side side) {
    return side(side).firstEntry();
  }

  /** The worst level of {@code side}, or null when the side is empty. */
  Map.Entry<Long, Long> worst(Side side) {
    return side(side).lastEntry();
  }

  int levels(Side side) {
    return side(side).size();
  }

  BookSnapshot snapshot(long sequence, long timeMs, int depth) {
    int bidCount = Math.min(depth, bids.size());
    int askCount = Math.min(depth, asks.size());
    long[] bidPrices = new long[bidCount];
    long[] bidSizes = new long[bidCount];
    long[] askPrices = new long[askCount];
    long[] askSizes = new long[askCount];
    fill(bids, bidPrices, bidSizes);
    fill(asks, askPrices, askSizes);
    return new BookSnapshot(sequence, timeMs, bidPrices, bidSizes, askPrices, askSizes);
  }

  private static void fill(NavigableMap<Long, Long> levels, long[] prices, long[] sizes) {
    int i = 0;
    for (Map.Entry<Long, Long> level : levels.entrySet()) {
      if (i == prices.length) {
        return;
      }
      prices[i] = level.getKey();
      sizes[i] = level.getValue();
      i++;
    }
  }
}
