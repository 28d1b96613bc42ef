package io.marketprism.simulator.market;

/**
 * The top of a book at one sequence, best level first on each side. Arrays are owned by the snapshot and never
 * changed after construction.
 */
public record BookSnapshot(
    long sequence, long timeMs, long[] bidPrices, long[] bidSizes, long[] askPrices, long[] askSizes) {

  public int bidCount() {
    return bidPrices.length;
  }

  public int askCount() {
    return askPrices.length;
  }
}
