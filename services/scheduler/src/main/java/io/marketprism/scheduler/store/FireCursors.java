package io.marketprism.scheduler.store;

import io.nats.client.KeyValue;
import io.nats.client.api.KeyValueEntry;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * Each task's fire cursor ({@code cursor.<task>} in the lease bucket): the latest scheduled time handled, in ns since
 * the epoch. A new leader reads it to find the firings missed while there was none. Thread-safe.
 */
public final class FireCursors {

  private final KeyValue kv;

  public FireCursors(SchedulerBuckets buckets) {
    this.kv = buckets.lease();
  }

  public Optional<Long> get(String taskId) {
    KeyValueEntry entry = SchedulerBuckets.entry(kv, "cursor." + taskId);
    return entry == null
        ? Optional.empty()
        : Optional.of(Long.parseLong(new String(entry.getValue(), StandardCharsets.UTF_8)));
  }

  public void set(String taskId, long fireTimeNanos) {
    SchedulerBuckets.put(kv, "cursor." + taskId, Long.toString(fireTimeNanos).getBytes(StandardCharsets.UTF_8));
  }

  public void delete(String taskId) {
    SchedulerBuckets.purge(kv, "cursor." + taskId);
  }

  /**
   * Marks a one-time fact (e.g. that the built-in tasks were installed); true if this call set it, false if it was
   * set before.
   */
  public boolean markOnce(String name) {
    return SchedulerBuckets.compareAndSet(kv, "once." + name, new byte[] {1}, 0).isPresent();
  }
}
