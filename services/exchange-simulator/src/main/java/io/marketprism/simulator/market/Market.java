package io.marketprism.simulator.market;

import java.math.BigDecimal;
import java.math.MathContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * One instrument's simulated market: a fair price doing a random walk in ticks, an L2 book of about
 * {@value #DEPTH} levels a side kept around it, and trades that take liquidity from the best level.
 *
 * <p>Each {@link #step} is one market event: a trade (with the book change it causes), a quote change, or a move of
 * the fair price (which pulls crossed levels and adds new ones). Every book change gets the next sequence number.
 *
 * <p>Thread-safe: every method synchronizes on this market. Listeners are called with the lock held (see
 * {@link MarketListener}), which is what makes a snapshot and the stream that follows it consistent.
 */
public final class Market {

  /** Levels kept on each side. */
  public static final int DEPTH = 50;

  /**
   * Ids (trade ids, book sequences) a market may hand out per millisecond of wall time before a later start of the
   * simulator would reuse them: far above any rate the simulator reaches.
   */
  static final long IDS_PER_MILLISECOND = 1_000;

  private final Instrument instrument;
  private final SplittableRandom random;
  private final long typicalLots;
  private final List<MarketListener> listeners = new CopyOnWriteArrayList<>();

  // all guarded by this
  private final OrderBook book = new OrderBook();
  private long fairTicks;
  private long sequence;
  private long tradeId;
  private final MarketStats stats;

  public Market(Instrument instrument, long seed, long nowMs) {
    this.instrument = instrument;
    this.random = new SplittableRandom(seed);
    this.fairTicks = instrument.startTicks();
    this.typicalLots = typicalLots(instrument);
    // Ids continue from the clock, as a real venue's do across our reconnects: data kept from an earlier run of the
    // simulator never holds two different trades (or book states) under one id.
    this.tradeId = firstId(nowMs);
    this.sequence = firstId(nowMs) + random.nextInt((int) IDS_PER_MILLISECOND);
    this.stats = new MarketStats(fairTicks);
    for (int i = 1; i <= DEPTH; i++) {
      book.set(Side.BUY, fairTicks - i, randomSize());
      book.set(Side.SELL, fairTicks + i, randomSize());
    }
    stats.touch(nowMs);
  }

  /** The id space a market starting at {@code nowMs} begins from; later starts begin higher. */
  static long firstId(long nowMs) {
    return nowMs * IDS_PER_MILLISECOND;
  }

  public Instrument instrument() {
    return instrument;
  }

  /** Adds {@code listener}; {@code whileLocked} runs first, under the same lock (send a snapshot there). */
  public synchronized void addListener(MarketListener listener, Consumer<Market> whileLocked) {
    whileLocked.accept(this);
    listeners.add(listener);
  }

  /** Runs {@code whileLocked} under the market's lock, to read several figures of one moment. */
  public synchronized void withLock(Consumer<Market> whileLocked) {
    whileLocked.accept(this);
  }

  public void removeListener(MarketListener listener) {
    listeners.remove(listener);
  }

  public int listenerCount() {
    return listeners.size();
  }

  /** The top {@code depth} levels a side at the current sequence. */
  public synchronized BookSnapshot snapshot(int depth) {
    return book.snapshot(sequence, stats.lastTimeMs(), depth);
  }

  /** The current book sequence (the last update's). */
  public synchronized long sequence() {
    return sequence;
  }

  /** Prices, volumes and derivatives figures for tickers, mark price and funding; read under the lock. */
  public synchronized MarketStats.View stats() {
    Map.Entry<Long, Long> bid = book.best(Side.BUY);
    Map.Entry<Long, Long> ask = book.best(Side.SELL);
    return stats.view(bid.getKey(), bid.getValue(), ask.getKey(), ask.getValue());
  }

  /** One market event at {@code nowMs}. */
  public synchronized void step(long nowMs) {
    stats.touch(nowMs);
    double roll = random.nextDouble();
    if (roll < 0.25) {
      trade(nowMs);
    } else if (roll < 0.35) {
      moveFair(nowMs);
    } else {
      changeQuote(nowMs);
    }
  }

  /** The 100 ms timer: drifts funding and open interest, then tells listeners. */
  public synchronized void timer(long nowMs, long tick) {
    stats.touch(nowMs);
    stats.drift(random);
    for (MarketListener listener : listeners) {
      listener.onTimer(this, nowMs, tick);
    }
  }

  private void trade(long nowMs) {
    Side taker = random.nextBoolean() ? Side.BUY : Side.SELL;
    Side resting = taker.opposite();
    Map.Entry<Long, Long> level = book.best(resting);
    long price = level.getKey();
    long available = level.getValue();
    long size = Math.min(available, 1 + (long) (random.nextDouble() * random.nextDouble() * typicalLots));
    Trade trade = new Trade(++tradeId, taker, price, size, nowMs);
    stats.onTrade(price, size);
    for (MarketListener listener : listeners) {
      listener.onTrade(this, trade);
    }
    List<BookChange> changes = new ArrayList<>(2);
    changes.add(book.set(resting, price, available - size));
    replenish(resting, changes);
    publish(nowMs, changes);
    if (instrument.perpetual() && random.nextInt(400) == 0) {
      Liquidation liquidation = new Liquidation(taker, price, size, nowMs);
      for (MarketListener listener : listeners) {
        listener.onLiquidation(this, liquidation);
      }
    }
  }

  /** The fair price steps by up to 3 ticks; levels it crosses are pulled and the spread is refilled around it. */
  private void moveFair(long nowMs) {
    long delta = 1 + random.nextInt(3);
    fairTicks += random.nextBoolean() ? delta : -delta;
    fairTicks = Math.max(DEPTH * 2L, fairTicks);
    List<BookChange> changes = new ArrayList<>(8);
    pullCrossed(Side.SELL, changes);
    pullCrossed(Side.BUY, changes);
    if (book.levels(Side.SELL) == 0 || book.best(Side.SELL).getKey() > fairTicks + 2) {
      changes.add(book.set(Side.SELL, fairTicks + 1, randomSize()));
    }
    if (book.levels(Side.BUY) == 0 || book.best(Side.BUY).getKey() < fairTicks - 2) {
      changes.add(book.set(Side.BUY, fairTicks - 1, randomSize()));
    }
    replenish(Side.BUY, changes);
    replenish(Side.SELL, changes);
    publish(nowMs, changes);
  }

  private void pullCrossed(Side side, List<BookChange> changes) {
    while (book.levels(side) > 0) {
      long best = book.best(side).getKey();
      boolean crossed = side == Side.SELL ? best <= fairTicks : best >= fairTicks;
      if (!crossed) {
        return;
      }
      changes.add(book.set(side, best, 0));
    }
  }

  /** A resting quote changes: mostly a size change near the top, sometimes a new level or a cancelled one. */
  private void changeQuote(long nowMs) {
    Side side = random.nextBoolean() ? Side.BUY : Side.SELL;
    List<BookChange> changes = new ArrayList<>(2);
    double roll = random.nextDouble();
    long offset = 1 + Math.min(DEPTH - 1, (long) (-Math.log(1 - random.nextDouble()) * 6));
    long price = side == Side.BUY ? fairTicks - offset : fairTicks + offset;
    Long existing = book.side(side).get(price);
    if (roll < 0.15 && existing != null && book.levels(side) > 1) {
      changes.add(book.set(side, price, 0));
      replenish(side, changes);
    } else {
      changes.add(book.set(side, price, randomSize()));
      trim(side, changes);
    }
    publish(nowMs, changes);
  }

  /** Keeps at least {@value #DEPTH} levels by adding behind the worst one. */
  private void replenish(Side side, List<BookChange> changes) {
    while (book.levels(side) < DEPTH) {
      Map.Entry<Long, Long> worst = book.worst(side);
      long anchor = worst != null ? worst.getKey() : fairTicks;
      long price = side == Side.BUY ? anchor - 1 - random.nextInt(2) : anchor + 1 + random.nextInt(2);
      if (price <= 0) {
        return;
      }
      changes.add(book.set(side, price, randomSize()));
    }
  }

  /** Keeps at most {@value #DEPTH} + 10 levels by dropping the worst ones. */
  private void trim(Side side, List<BookChange> changes) {
    while (book.levels(side) > DEPTH + 10) {
      changes.add(book.set(side, book.worst(side).getKey(), 0));
    }
  }

  private void publish(long nowMs, List<BookChange> changes) {
    if (changes.isEmpty()) {
      return;
    }
    BookUpdate update = new BookUpdate(++sequence, nowMs, List.copyOf(changes));
    for (MarketListener listener : listeners) {
      listener.onBookUpdate(this, update);
    }
  }

  private long randomSize() {
    return 1 + (long) (random.nextDouble() * 2 * typicalLots);
  }

  /** About 20,000 of the quote currency per level (Deribit sizes are in USD already). */
  private static long typicalLots(Instrument instrument) {
    BigDecimal notional = BigDecimal.valueOf(20_000);
    BigDecimal quantity =
        instrument.exchange() == Exchange.DERIBIT
            ? notional
            : notional.divide(instrument.startPrice(), MathContext.DECIMAL64);
    return Math.max(1, quantity.divide(instrument.lotSize(), MathContext.DECIMAL64).longValue());
  }
}
