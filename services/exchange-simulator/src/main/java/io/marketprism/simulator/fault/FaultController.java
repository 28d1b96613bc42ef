package io.marketprism.simulator.fault;

import io.marketprism.simulator.feed.ConnectionRegistry;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Changes the faults in force and drops connections, now or on a schedule. The admin API and the config both go
 * through here.
 *
 * <p>Thread-safe: {@link #apply} and {@link #close} are synchronized (they replace the drop schedule together with
 * the settings); {@link #dropNow} needs no lock.
 */
public final class FaultController implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(FaultController.class);

  private final FaultInjector injector;
  private final ConnectionRegistry connections;
  private final ScheduledExecutorService scheduler;

  /** Guarded by {@code this}. */
  private ScheduledFuture<?> dropSchedule;

  public FaultController(FaultInjector injector, ConnectionRegistry connections) {
    this.injector = injector;
    this.connections = connections;
    this.scheduler =
        Executors.newSingleThreadScheduledExecutor(
            task -> {
              Thread thread = new Thread(task, "fault-scheduler");
              thread.setDaemon(true);
              return thread;
            });
    apply(injector.settings());
  }

  public FaultInjector injector() {
    return injector;
  }

  public synchronized void apply(FaultSettings settings) {
    injector.settings(settings);
    if (dropSchedule != null) {
      dropSchedule.cancel(false);
      dropSchedule = null;
    }
    Duration every = settings.dropConnectionsEvery();
    if (!every.isZero()) {
      dropSchedule =
          scheduler.scheduleAtFixedRate(
              this::dropAllOnSchedule, every.toMillis(), every.toMillis(), TimeUnit.MILLISECONDS);
    }
    log.info("faults now {}", settings);
  }

  // A periodic task that throws is never run again by the executor: one bad drop must not end the schedule.
  private void dropAllOnSchedule() {
    try {
      dropNow(Optional.empty(), 1.0);
    } catch (RuntimeException e) {
      log.warn("scheduled connection drop failed; trying again at the next interval", e);
    }
  }

  /** Drops {@code fraction} of the connections (of {@code exchange} only, if given); returns how many. */
  public int dropNow(Optional<String> exchange, double fraction) {
    int dropped = connections.drop(exchange, fraction);
    log.info("fault: dropped {} connection(s){}", dropped, exchange.map(e -> " of " + e).orElse(""));
    return dropped;
  }

  @Override
  public synchronized void close() {
    scheduler.shutdownNow();
  }
}
