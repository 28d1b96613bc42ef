package io.marketprism.simulator.market;

import java.util.SplittableRandom;

/**
 * The slow-moving figures around a market: last trade, session open/high/low, volume, funding rate and open
 * interest. Not thread-safe: owned and guarded by its {@link Market}.
 */
public final class MarketStats {

  /** Funding rates are carried in units of 10^-{@value #FUNDING_SCALE}. */
  public static final int FUNDING_SCALE = 8;

  private final long openTicks;
  private long lastTicks;
  private long lastLots;
  private long highTicks;
  private long lowTicks;
  private long volumeLots;
  private long fundingRate = 10_000; // 0.0001, the usual 8-hour default
  private long openInterestLots = 50_000_000;
  private long lastTimeMs;

  MarketStats(long startTicks) {
    this.openTicks = startTicks;
    this.lastTicks = startTicks;
    this.highTicks = startTicks;
    this.lowTicks = startTicks;
  }

  void touch(long nowMs) {
    lastTimeMs = nowMs;
  }

  long lastTimeMs() {
    return lastTimeMs;
  }

  void onTrade(long priceTicks, long sizeLots) {
    lastTicks = priceTicks;
    lastLots = sizeLots;
    highTicks = Math.max(highTicks, priceTicks);
    lowTicks = Math.min(lowTicks, priceTicks);
    volumeLots += sizeLots;
  }

  void drift(SplittableRandom random) {
    fundingRate = Math.max(-375_000, Math.min(375_000, fundingRate + random.nextInt(-50, 51)));
    openInterestLots = Math.max(1_000, openInterestLots + random.nextInt(-20_000, 20_001));
  }

  View view(long bidTicks, long bidLots, long askTicks, long askLots) {
    return new View(
        lastTicks, lastLots, openTicks, highTicks, lowTicks, volumeLots, bidTicks, bidLots, askTicks, askLots,
        fundingRate, openInterestLots, lastTimeMs);
  }

  /**
   * A consistent copy of the figures. Mark price is the mid rounded down to a tick, the index a tick below it.
   *
   * @param fundingRate in units of 10^-{@value MarketStats#FUNDING_SCALE}
   */
  public record View(
      long lastTicks,
      long lastLots,
      long openTicks,
      long highTicks,
      long lowTicks,
      long volumeLots,
      long bidTicks,
      long bidLots,
      long askTicks,
      long askLots,
      long fundingRate,
      long openInterestLots,
      long timeMs) {

    public long markTicks() {
      return (bidTicks + askTicks) / 2;
    }

    public long indexTicks() {
      return markTicks() - 1;
    }
  }
}
