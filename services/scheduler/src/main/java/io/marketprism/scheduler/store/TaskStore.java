package io.marketprism.scheduler.store;

import io.marketprism.scheduler.v1.Task;
import io.nats.client.KeyValue;
import java.util.List;
import java.util.Optional;

/** Task definitions: one key per task id, the value its {@link Task} with output fields. Thread-safe. */
public final class TaskStore {

  private final KeyValue kv;

  public TaskStore(SchedulerBuckets buckets) {
    this.kv = buckets.tasks();
  }

  public Optional<Versioned<Task>> get(String taskId) {
    return SchedulerBuckets.read(kv, taskId, Task.parser());
  }

  /** Stores a new task; false if the id is taken. */
  public boolean create(Task task) {
    return SchedulerBuckets.compareAndSet(kv, task.getTaskId(), task.toByteArray(), 0).isPresent();
  }

  /** Replaces a task read at {@code revision}; false if it changed since. */
  public boolean update(Task task, long revision) {
    return SchedulerBuckets.compareAndSet(kv, task.getTaskId(), task.toByteArray(), revision).isPresent();
  }

  /** Removes a task for good (no history is kept of definitions). */
  public void delete(String taskId) {
    SchedulerBuckets.purge(kv, taskId);
  }

  /** Every task id, sorted. O(number of tasks). */
  public List<String> ids() {
    return SchedulerBuckets.keys(kv, ">").stream().sorted().toList();
  }

  /** The bucket, for the leader's watch of definitions. */
  public KeyValue bucket() {
    return kv;
  }
}
