package io.marketprism.scheduler.api;

import com.google.protobuf.util.Durations;
import com.google.protobuf.util.Timestamps;
import io.grpc.StatusRuntimeException;
import io.marketprism.scheduler.domain.CompiledTask;
import io.marketprism.scheduler.domain.RunIds;
import io.marketprism.scheduler.domain.TaskCompiler;
import io.marketprism.scheduler.store.FireCursors;
import io.marketprism.scheduler.store.LeaderLease;
import io.marketprism.scheduler.store.SchedulerPause;
import io.marketprism.scheduler.store.TaskStore;
import io.marketprism.scheduler.store.Versioned;
import io.marketprism.scheduler.v1.SchedulerStatus;
import io.marketprism.scheduler.v1.Task;
import io.marketprism.scheduler.v1.TaskState;
import java.time.Clock;
import java.time.Instant;
import java.util.Optional;

/**
 * The whole scheduler's status, read from the store so that every replica answers the same: the lease's holder, the
 * pause, and per enabled task its next firing and how late its oldest due firing is (from its fire cursor, as a new
 * leader would compute what it missed). O(number of tasks) key-value reads. Thread-safe.
 */
final class SchedulerStatuses {

  private final TaskStore tasks;
  private final FireCursors cursors;
  private final LeaderLease lease;
  private final SchedulerPause pause;
  private final TaskCompiler compiler;
  private final Clock clock;

  SchedulerStatuses(TaskStore tasks, FireCursors cursors, LeaderLease lease, SchedulerPause pause,
      TaskCompiler compiler, Clock clock) {
    this.tasks = tasks;
    this.cursors = cursors;
    this.lease = lease;
    this.pause = pause;
    this.compiler = compiler;
    this.clock = clock;
  }

  SchedulerStatus now() {
    Optional<SchedulerStatus> paused = pause.get();
    SchedulerStatus.Builder status = paused.map(SchedulerStatus::toBuilder).orElseGet(SchedulerStatus::newBuilder)
        .setPaused(paused.isPresent());
    lease.holder().ifPresent(holder -> status.setLeaderInstance(holder.instance())
        .setLeaderLeaseExpireTime(Timestamps.fromMillis(holder.expiryMillis())));
    Instant now = clock.instant();
    Instant next = null;
    long lagNanos = 0;
    for (String id : tasks.ids()) {
      Optional<Task> stored = tasks.get(id).map(Versioned::value);
      if (stored.isEmpty()) {
        continue;
      }
      status.setTaskCount(status.getTaskCount() + 1);
      if (stored.get().getState() == TaskState.TASK_STATE_PAUSED) {
        status.setPausedTaskCount(status.getPausedTaskCount() + 1);
        continue;
      }
      status.setEnabledTaskCount(status.getEnabledTaskCount() + 1);
      CompiledTask task;
      try {
        task = compiler.compile(stored.get(), "task");
      } catch (StatusRuntimeException e) {
        continue;
      }
      Optional<Instant> upcoming = task.schedule().nextAfter(now);
      if (upcoming.isPresent() && (next == null || upcoming.get().isBefore(next))) {
        next = upcoming.get();
        status.setNextFireTaskId(id);
      }
      // as the dispatcher: firings before the task's last change are not owed
      long changed = Timestamps.toNanos(stored.get().getUpdateTime());
      long handled = Math.max(cursors.get(id).orElse(changed), changed);
      Optional<Instant> owed = task.schedule().nextAfter(Instant.ofEpochSecond(0, handled));
      if (owed.isPresent() && !owed.get().isAfter(now)) {
        long late = RunIds.nanos(now) - RunIds.nanos(owed.get());
        if (late > lagNanos) {
          lagNanos = late;
          status.setLagTaskId(id);
        }
      }
    }
    if (next != null && !status.getPaused()) {
      status.setNextFireTime(Timestamps.fromNanos(RunIds.nanos(next)));
    } else {
      status.clearNextFireTaskId();
    }
    return status.setLag(Durations.fromNanos(lagNanos)).build();
  }
}
