package io.marketprism.collector.book;

import io.marketprism.marketdata.v1.Level;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.NavigableMap;
import java.util.TreeMap;

/**
 * A local L2 book of one instrument: price levels keyed by their exact decimal value (so "100.0" and "100"
 * are the same level; {@link Decimals#compare} orders the exchange's text exactly, without parsing it),
 * each keeping the exchange's own text for price and amount (OKX's checksum is over that text). An amount
 * that is zero in any spelling ("0", "0.000") removes the level.
 *
 * <p>Not thread-safe: a book belongs to one feed, which runs on one thread. Updates cost O(log n) in the
 * number of levels.
 */
public final class OrderBook {
  private static final Comparator<String> BY_VALUE = Decimals::compare;

  private final NavigableMap<String, Level> bids = new TreeMap<>(BY_VALUE.reversed());
  private final NavigableMap<String, Level> asks = new TreeMap<>(BY_VALUE);

  /** Removes every level. */
  public void clear() {
    bids.clear();
    asks.clear();
  }

  /** Sets the bid at {@code level.price} to {@code level.amount}, or removes it when the amount is zero. */
  public void applyBid(Level level) {
    apply(bids, level);
  }

  /** Sets the ask at {@code level.price} to {@code level.amount}, or removes it when the amount is zero. */
  public void applyAsk(Level level) {
    apply(asks, level);
  }

  /** Applies every level of both sides in order. */
  public void apply(List<Level> bidLevels, List<Level> askLevels) {
    for (Level level : bidLevels) {
      apply(bids, level);
    }
    for (Level level : askLevels) {
      apply(asks, level);
    }
  }

  private static void apply(NavigableMap<String, Level> side, Level level) {
    String price = level.getPrice();
    if (Decimals.isZero(level.getAmount())) {
      side.remove(price);
    } else {
      side.put(price, level);
    }
  }

  /** Bids, best (highest) first. The iterator is a live view: do not update the book while iterating. */
  public Iterator<Level> bids() {
    return bids.values().iterator();
  }

  /** Asks, best (lowest) first. The iterator is a live view: do not update the book while iterating. */
  public Iterator<Level> asks() {
    return asks.values().iterator();
  }

  /** The best {@code max} bids (all when {@code max <= 0}), best first. */
  public List<Level> topBids(int max) {
    return top(bids, max);
  }

  /** The best {@code max} asks (all when {@code max <= 0}), best first. */
  public List<Level> topAsks(int max) {
    return top(asks, max);
  }

  private static List<Level> top(NavigableMap<String, Level> side, int max) {
    int n = max <= 0 ? side.size() : Math.min(max, side.size());
    List<Level> out = new ArrayList<>(n);
    Iterator<Level> it = side.values().iterator();
    while (out.size() < n) {
      out.add(it.next());
    }
    return out;
  }

  public int bidCount() {
    return bids.size();
  }

  public int askCount() {
    return asks.size();
  }
}
