package io.marketprism.simulator.market;

import java.time.Clock;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Drives every market from one thread: each market takes {@code eventsPerSecond} steps a second, spread evenly in
 * time, and every market's 100 ms timer fires together.
 *
 * <p>Pacing is by debt, not by sleeping per event: every ~1 ms the clock works out how many steps each market owes
 * since start and takes them. If it falls behind by more than 100 ms (a GC pause, an overloaded machine) the debt
 * is forgiven rather than paid in one burst, so the output rate never spikes above the configured one.
 *
 * <p>Thread-safe to {@link #start} and {@link #close} from any thread; the markets are only stepped by the clock's
 * own thread.
 */
public final class MarketClock implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(MarketClock.class);
  private static final long TIMER_NANOS = TimeUnit.MILLISECONDS.toNanos(100);
  private static final long MAX_DEBT_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

  private final List<Market> markets;
  private final double eventsPerSecond;
  private final Clock wallClock;
  private final Thread thread;
  private volatile boolean running = true;

  /**
   * @param eventsPerSecond steps per market per second; 0 keeps the books still (timers still fire)
   */
  public MarketClock(List<Market> markets, double eventsPerSecond, Clock wallClock) {
    if (eventsPerSecond < 0) {
      throw new IllegalArgumentException("eventsPerSecond must be >= 0: " + eventsPerSecond);
    }
    this.markets = List.copyOf(markets);
    this.eventsPerSecond = eventsPerSecond;
    this.wallClock = wallClock;
    this.thread = new Thread(this::run, "market-clock");
    thread.setDaemon(true);
  }

  public MarketClock start() {
    thread.start();
    return this;
  }

  private void run() {
    long origin = System.nanoTime();
    long stepsDone = 0;
    long nextTimer = origin + TIMER_NANOS;
    long timerTick = 0;
    while (running) {
      long now = System.nanoTime();
      long owed = (long) ((now - origin) * eventsPerSecond / 1e9) - stepsDone;
      if (owed > eventsPerSecond * MAX_DEBT_NANOS / 1e9) {
        // behind by more than the allowance: restart the schedule from here instead of bursting
        origin = now;
        stepsDone = 0;
        owed = 0;
      }
      long nowMs = wallClock.millis();
      try {
        for (long i = 0; i < owed; i++) {
          for (Market market : markets) {
            market.step(nowMs);
          }
        }
        stepsDone += owed;
        if (now >= nextTimer) {
          timerTick++;
          nextTimer += TIMER_NANOS;
          if (nextTimer < now) {
            nextTimer = now + TIMER_NANOS;
          }
          for (Market market : markets) {
            market.timer(nowMs, timerTick);
          }
        }
      } catch (RuntimeException e) {
        // a listener bug must not freeze every market; the failing event is lost, the clock goes on
        log.error("market step failed", e);
      }
      LockSupport.parkNanos(1_000_000);
    }
  }

  @Override
  public void close() throws InterruptedException {
    running = false;
    thread.join(TimeUnit.SECONDS.toMillis(5));
  }
}
