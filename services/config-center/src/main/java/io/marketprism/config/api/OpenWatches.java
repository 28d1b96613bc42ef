package io.marketprism.config.api;

import io.grpc.Status;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * The open Watch calls. Once the service drains they all end with {@code UNAVAILABLE}, so watchers reconnect to
 * another instance at once instead of holding this one until its shutdown grace runs out. Thread-safe.
 */
public final class OpenWatches implements AutoCloseable {

  private final Set<WatchStream> open = ConcurrentHashMap.newKeySet();
  private final BooleanSupplier draining;
  private final ScheduledExecutorService checker;

  /** Checks {@code draining} every {@code interval}. */
  public OpenWatches(BooleanSupplier draining, Duration interval) {
    this.draining = draining;
    this.checker =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread thread = new Thread(r, "config-watch-drain");
              thread.setDaemon(true);
              return thread;
            });
    checker.scheduleWithFixedDelay(this::endAllIfDraining, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
  }

  boolean draining() {
    return draining.getAsBoolean();
  }

  void add(WatchStream stream) {
    open.add(stream);
  }

  void remove(WatchStream stream) {
    open.remove(stream);
  }

  /** Watch calls open now. */
  public int size() {
    return open.size();
  }

  private void endAllIfDraining() {
    if (!draining.getAsBoolean()) {
      return;
    }
    for (WatchStream stream : open) {
      stream.end(unavailable());
      open.remove(stream);
    }
  }

  static Status unavailable() {
    return Status.UNAVAILABLE.withDescription(
        "the config center is draining (shutting down); watch again with start_version = the last version received");
  }

  @Override
  public void close() {
    checker.shutdownNow();
    for (WatchStream stream : open) {
      stream.end(unavailable());
    }
    open.clear();
  }
}
