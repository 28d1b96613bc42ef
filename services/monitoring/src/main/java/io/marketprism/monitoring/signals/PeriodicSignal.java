package io.marketprism.monitoring.signals;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * A signal monitoring measures itself every interval, on a daemon thread of its own: one round at a time, so what a
 * round keeps between rounds needs no lock.
 */
abstract class PeriodicSignal implements AutoCloseable {

  private final Duration interval;
  private final ScheduledExecutorService timer;

  PeriodicSignal(String threadName, Duration interval) {
    this.interval = interval;
    this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, threadName);
      t.setDaemon(true);
      return t;
    });
  }

  public void start() {
    timer.scheduleWithFixedDelay(this::measure, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** One round; runs on the signal's thread only. */
  abstract void measure();

  @Override
  public void close() {
    timer.shutdownNow();
  }
}
