package io.marketprism.scheduler.store;

import io.nats.client.JetStreamApiException;
import io.nats.client.KeyValue;
import io.nats.client.api.KeyValueEntry;
import io.nats.client.api.KeyValueOperation;
import io.nats.client.impl.NatsKeyValueWatchSubscription;
import io.nats.client.api.KeyValueWatcher;
import java.io.IOException;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

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
    send(kind, taskId, runId, new byte[0]);
  }

  /** A signal with a value for the leader: a trigger carries the W3C trace context of the call that made it. */
  public void send(Kind kind, String taskId, String runId, byte[] value) {
    SchedulerBuckets.put(kv, prefix(kind) + taskId + "." + runId, value);
  }

  /** Done with a signal: removed so the next leader does not act on it again. */
  public void done(Kind kind, String taskId, String runId) {
    SchedulerBuckets.purge(kv, prefix(kind) + taskId + "." + runId);
  }

  /** What a signal names, and the value it was sent with (empty if none). */
  public record Signal(String taskId, String runId, byte[] value) {}

  /**
   * Calls {@code handler(taskId, runId)} for every signal of {@code kind} waiting now and every later one, until the
   * returned subscription is closed.
   */
  public NatsKeyValueWatchSubscription watch(Kind kind, BiConsumer<String, String> handler) {
    return watchSignals(kind, signal -> handler.accept(signal.taskId(), signal.runId()));
  }

  /** As {@link #watch}, with each signal's value. */
  public NatsKeyValueWatchSubscription watchSignals(Kind kind, Consumer<Signal> handler) {
    String prefix = prefix(kind);
    KeyValueWatcher watcher =
        new KeyValueWatcher() {
          @Override
          public void watch(KeyValueEntry entry) {
            if (entry.getOperation() == KeyValueOperation.PUT) {
              String[] parts = entry.getKey().substring(prefix.length()).split("\\.", 2);
              byte[] value = entry.getValue() == null ? new byte[0] : entry.getValue();
              handler.accept(new Signal(parts[0], parts[1], value));
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
