package io.marketprism.scheduler.store;

import io.marketprism.scheduler.v1.Execution;
import io.marketprism.scheduler.v1.Run;
import io.nats.client.KeyValue;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * Runs ({@code <task>.<run>}) and their executions ({@code <task>.<run>.<attempt>}). A scheduled run's key is
 * created only once (compare-and-set on absence): that is what keeps a scheduled time from firing twice, whichever
 * replica tries. Thread-safe.
 */
public final class RunStore {

  private final KeyValue runs;
  private final KeyValue executions;

  public RunStore(SchedulerBuckets buckets) {
    this.runs = buckets.runs();
    this.executions = buckets.executions();
  }

  private static String key(String taskId, String runId) {
    return taskId + "." + runId;
  }

  /** Records a new run; false if a run of that id exists (the time was fired already). */
  public boolean create(Run run) {
    return SchedulerBuckets.compareAndSet(runs, key(run.getTaskId(), run.getRunId()), run.toByteArray(), 0)
        .isPresent();
  }

  public Optional<Versioned<Run>> get(String taskId, String runId) {
    return SchedulerBuckets.read(runs, key(taskId, runId), Run.parser());
  }

  /**
   * Applies {@code change} to the stored run with compare-and-set, reading again when another writer came first.
   * {@code change} returns null to leave the run as it is (e.g. it is already final). Returns the run as stored.
   */
  public Optional<Run> update(String taskId, String runId, UnaryOperator<Run> change) {
    while (true) {
      Optional<Versioned<Run>> current = get(taskId, runId);
      if (current.isEmpty()) {
        return Optional.empty();
      }
      Run changed = change.apply(current.get().value());
      if (changed == null) {
        return Optional.of(current.get().value());
      }
      if (SchedulerBuckets.compareAndSet(runs, key(taskId, runId), changed.toByteArray(), current.get().revision())
          .isPresent()) {
        return Optional.of(changed);
      }
    }
  }

  /** The run ids of a task, newest first. O(runs of the task). */
  public List<String> runIds(String taskId) {
    String prefix = taskId + ".";
    return SchedulerBuckets.keys(runs, prefix + "*").stream()
        .map(k -> k.substring(prefix.length()))
        .sorted(Comparator.reverseOrder())
        .toList();
  }

  public void putExecution(Execution execution) {
    SchedulerBuckets.put(executions,
        key(execution.getTaskId(), execution.getRunId()) + "." + execution.getAttempt(), execution.toByteArray());
  }

  public Optional<Execution> execution(String taskId, String runId, int attempt) {
    return SchedulerBuckets.read(executions, key(taskId, runId) + "." + attempt, Execution.parser())
        .map(Versioned::value);
  }

  /** Removes every run and execution of a task. */
  public void deleteAll(String taskId) {
    for (String key : SchedulerBuckets.keys(executions, taskId + ".>")) {
      SchedulerBuckets.purge(executions, key);
    }
    for (String key : SchedulerBuckets.keys(runs, taskId + ".*")) {
      SchedulerBuckets.purge(runs, key);
    }
  }
}
