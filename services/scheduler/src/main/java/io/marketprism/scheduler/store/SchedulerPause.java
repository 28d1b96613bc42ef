package io.marketprism.scheduler.store;

import io.marketprism.scheduler.v1.SchedulerStatus;
import io.nats.client.JetStreamApiException;
import io.nats.client.KeyValue;
import io.nats.client.api.KeyValueEntry;
import io.nats.client.api.KeyValueOperation;
import io.nats.client.api.KeyValueWatcher;
import io.nats.client.impl.NatsKeyValueWatchSubscription;
import java.io.IOException;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Whether the whole scheduler is paused: key {@code paused} of the lease bucket, present while it is, holding a
 * {@link SchedulerStatus} with only its pause fields (time, by whom, why). In the store rather than in a replica's
 * memory, so a pause outlives restarts and leader changes. Thread-safe.
 */
public final class SchedulerPause {

  private static final String KEY = "paused";

  private final KeyValue kv;

  public SchedulerPause(SchedulerBuckets buckets) {
    this.kv = buckets.lease();
  }

  /** The pause in force, if any. */
  public Optional<SchedulerStatus> get() {
    return SchedulerBuckets.read(kv, KEY, SchedulerStatus.parser()).map(Versioned::value);
  }

  /** Pauses, unless already paused (the first pause's time, author and reason are kept); returns the pause in force. */
  public SchedulerStatus pause(SchedulerStatus pause) {
    if (SchedulerBuckets.compareAndSet(kv, KEY, pause.toByteArray(), 0).isPresent()) {
      return pause;
    }
    return get().orElseGet(() -> pause(pause));
  }

  public void resume() {
    SchedulerBuckets.purge(kv, KEY);
  }

  /**
   * Calls {@code paused.accept(true|false)} with the state now and at every change, on the connection's dispatch
   * thread, until the returned subscription is closed.
   */
  public NatsKeyValueWatchSubscription watch(Consumer<Boolean> paused) {
    KeyValueWatcher watcher = new KeyValueWatcher() {
      private boolean seen;

      @Override
      public void watch(KeyValueEntry entry) {
        seen = true;
        paused.accept(entry.getOperation() == KeyValueOperation.PUT);
      }

      @Override
      public void endOfData() {
        if (!seen) {
          paused.accept(false);
        }
      }
    };
    try {
      return kv.watch(KEY, watcher);
    } catch (IOException | JetStreamApiException | InterruptedException e) {
      if (e instanceof InterruptedException) {
        Thread.currentThread().interrupt();
      }
      throw new StoreUnavailableException("cannot watch " + KEY + " in " + kv.getBucketName(), e);
    }
  }
}
