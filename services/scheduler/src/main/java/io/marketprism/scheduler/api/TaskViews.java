package io.marketprism.scheduler.api;

import com.google.protobuf.util.Timestamps;
import io.marketprism.scheduler.domain.CompiledTask;
import io.marketprism.scheduler.domain.RunIds;
import io.marketprism.scheduler.domain.TaskCompiler;
import io.marketprism.scheduler.store.RunStore;
import io.marketprism.scheduler.store.Versioned;
import io.marketprism.scheduler.v1.Task;
import java.time.Clock;

/**
 * A stored task as the API shows it: with its next fire time (computed here, from the schedule) and, when asked
 * for, its latest run. Thread-safe.
 */
final class TaskViews {

  private final TaskCompiler compiler;
  private final RunStore runs;
  private final Clock clock;

  TaskViews(TaskCompiler compiler, RunStore runs, Clock clock) {
    this.compiler = compiler;
    this.runs = runs;
    this.clock = clock;
  }

  Task view(Task stored, boolean withLastRun) {
    Task.Builder view = stored.toBuilder().clearNextFireTime().clearLastRun();
    CompiledTask task = compiler.compile(stored, "task");
    if (task.enabled()) {
      task.schedule().nextAfter(clock.instant())
          .ifPresent(next -> view.setNextFireTime(Timestamps.fromNanos(RunIds.nanos(next))));
    }
    if (withLastRun) {
      runs.runIds(stored.getTaskId()).stream().findFirst()
          .flatMap(runId -> runs.get(stored.getTaskId(), runId))
          .map(Versioned::value)
          .ifPresent(run -> view.setLastRun(run));
    }
    return view.build();
  }
}
