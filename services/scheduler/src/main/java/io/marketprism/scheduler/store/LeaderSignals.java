package io.marketprism.scheduler.store;

import io.nats.client.JetStreamApiException;
import io.nats.client.KeyValue;
import io.nats.client.api.KeyValueEntry;
import io.nats.client.api.KeyValueOperation;
import io.nats.client.impl.NatsKeyValueWatchSubscription;
import io.nats.client.api.KeyValueWatcher;
import java.io.IOException;
import java.util.function.BiConsumer;

/**
 * What any replica asks of the leader, as keys of the lease bucket: {@code trigger.<task>.<run>} (run a manual run
 * that is PENDING) and {@code cancel.<task>.<run>} (cancel that run's call). Keys wait for a leader to read them, so
 * a request made while there is none is served by the next one. Thread-safe.
 */
public final class LeaderSignals {

  public enum Kind {
    TRIGGER,
    CANCEL
  }

  private final KeyValue kv;

  public LeaderSignals(SchedulerBuckets buckets) {
    this.kv = buckets.lease();
  }

  public void send(Kind kind, String taskId, String runId) {
    SchedulerBuckets.put(kv, prefix(kind) + taskId + "." + runId, new byte[0]);
  }

  /** Done with a signal: removed so the next leader does not act on it again. */
  public void done(Kind kind, String taskId, String runId) {
    SchedulerBuckets.purge(kv, prefix(kind) + taskId + "." + runId);
  }

  /**
   * Calls {@code handler(taskId, runId)} for every signal of {@code kind} waiting now and every later one, until the
   * returned subscription is closed.
   */
  public NatsKeyValueWatchSubscription watch(Kind kind, BiConsumer<String, String> handler) {
    String prefix = prefix(kind);
    KeyValueWatcher watcher =
        new KeyValueWatcher() {
          @Override
          public void watch(KeyValueEntry entry) {
            if (entry.getOperation() == KeyValueOperation.PUT) {
              String[] parts = entry.getKey().substring(prefix.length()).split("\\.", 2);
              handler.accept(parts[0], parts[1]);
            }
          }

          @Override
          public void endOfData() {}
        };
    try {
      return kv.watch(prefix + "*.*", watcher);
    } catch (IOException | JetStreamApiException | InterruptedException e) {
      if (e instanceof InterruptedException) {
        Thread.currentThread().interrupt();
      }
      throw new StoreUnavailableException("cannot watch " + prefix + "* in " + kv.getBucketName(), e);
    }
  }

  private static String prefix(Kind kind) {
    return kind == Kind.TRIGGER ? "trigger." : "cancel.";
  }
}
