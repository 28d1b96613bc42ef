package io.marketprism.scheduler.fire;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.Timestamps;
import io.grpc.StatusRuntimeException;
import io.marketprism.scheduler.domain.CompiledTask;
import io.marketprism.scheduler.domain.RunIds;
import io.marketprism.scheduler.domain.TaskCompiler;
import io.marketprism.scheduler.store.FireCursors;
import io.marketprism.scheduler.store.LeaderLease;
import io.marketprism.scheduler.store.LeaderSignals;
import io.opentelemetry.context.Context;
import io.marketprism.scheduler.store.RunStore;
import io.marketprism.scheduler.store.SchedulerPause;
import io.marketprism.scheduler.store.StoreUnavailableException;
import io.marketprism.scheduler.store.TaskStore;
import io.marketprism.scheduler.store.Versioned;
import io.marketprism.scheduler.v1.ConcurrencyPolicy;
import io.marketprism.scheduler.v1.MisfirePolicy;
import io.marketprism.scheduler.v1.Run;
import io.marketprism.scheduler.v1.RunState;
import io.marketprism.scheduler.v1.Task;
import io.marketprism.scheduler.v1.Trigger;
import io.nats.client.api.KeyValueEntry;
import io.nats.client.api.KeyValueOperation;
import io.nats.client.impl.NatsKeyValueWatchSubscription;
import io.nats.client.api.KeyValueWatcher;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fires tasks while this instance holds the leader lease. On election it watches the task definitions (the first
 * pass applies each task's misfire policy to the times missed since its fire cursor), keeps one timer per enabled
 * task at its next fire time, and serves the trigger and cancel signals other replicas leave for the leader.
 *
 * <p>A scheduled time fires at most once whichever instance tries: its run record is created under an id made of
 * the time, with compare-and-set on absence, and only the instance that created it executes the run.
 *
 * <p>While the whole scheduler is paused ({@link SchedulerPause}) nothing is planned and nothing scheduled fires;
 * manual runs and cancellations are still served. Resuming replays the definitions as an election does, so each
 * task's misfire policy decides what happens to the times missed during the pause.
 *
 * <p>Threading: planning ({@link #planned}) is confined to the timer thread; firing and recording run on the workers.
 */
public final class Dispatcher implements LeaderLease.Listener, AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(Dispatcher.class);
  /** The most fire times examined for one task's catch-up (a 1 s task down for 11 days). */
  private static final int MAX_CATCH_UP_SCAN = 1_000_000;
  /** The most fire times looked up when resuming a dead leader's runs. */
  private static final int MAX_ORPHAN_SCAN = 1_000;

  private final TaskStore tasks;
  private final RunStore runs;
  private final FireCursors cursors;
  private final LeaderSignals signals;
  private final SchedulerPause pause;
  private final TaskCompiler compiler;
  private final RunExecutor executor;
  private final LeaderLease lease;
  private final ScheduledExecutorService timer;
  private final ExecutorService workers;
  private final Clock clock;
  /** How far before a task's cursor a dead leader may have left recorded, uncalled runs. */
  private final Duration orphanWindow;

  /** Confined to the timer thread. */
  private final Map<String, ScheduledFuture<?>> planned = new HashMap<>();

  private final List<NatsKeyValueWatchSubscription> watches = new ArrayList<>();
  /** Confined to the timer thread. */
  private NatsKeyValueWatchSubscription definitions;
  /** Confined to the timer thread: true once the first pass over the definitions is done. */
  private boolean loaded;
  /** Confined to the timer thread: counts definition watches, so that one replaced cannot act any more. */
  private int generation;
  /** Confined to the timer thread: the pass under way follows a resumption, not an election. */
  private boolean afterPause;
  /** Written on the timer thread; read by workers about to fire. */
  private volatile boolean paused;

  public Dispatcher(TaskStore tasks, RunStore runs, FireCursors cursors, LeaderSignals signals, SchedulerPause pause,
      TaskCompiler compiler, RunExecutor executor, LeaderLease lease, ScheduledExecutorService timer,
      ExecutorService workers, Clock clock, Duration orphanWindow) {
    this.tasks = tasks;
    this.runs = runs;
    this.cursors = cursors;
    this.signals = signals;
    this.pause = pause;
    this.compiler = compiler;
    this.executor = executor;
    this.lease = lease;
    this.timer = timer;
    this.workers = workers;
    this.clock = clock;
    this.orphanWindow = orphanWindow;
  }

  @Override
  public void elected(long fencingToken) {
    timer.execute(this::watch);
  }

  @Override
  public void demoted() {
    timer.execute(this::stop);
  }

  private void watch() {
    stop();
    try {
      // known before the first definition is planned; the watch then follows later changes on the timer thread
      paused = pause.get().isPresent();
      watches.add(pause.watch(now -> timer.execute(() -> onPause(now))));
      watchDefinitions(false);
    } catch (RuntimeException e) {
      log.warn("cannot watch task definitions; retrying in 1s: {}", e.toString());
      stop();
      timer.schedule(() -> {
        if (lease.isLeader()) {
          watch();
        }
      }, 1, TimeUnit.SECONDS);
      return;
    }
    watches.add(signals.watchSignals(LeaderSignals.Kind.TRIGGER, signal -> workers.execute(() ->
        startManual(signal.taskId(), signal.runId(), TriggerTraces.parentOf(signal.value())))));
    watches.add(signals.watch(LeaderSignals.Kind.CANCEL, (task, run) -> workers.execute(() -> {
      executor.cancel(task, run);
      signals.done(LeaderSignals.Kind.CANCEL, task, run);
    })));
  }

  /** Replays every definition (the first pass applies misfire policies), then follows changes. */
  private void watchDefinitions(boolean resuming) {
    unsubscribe(definitions);
    loaded = false;
    afterPause = resuming;
    int current = ++generation;
    KeyValueWatcher watcher = new KeyValueWatcher() {
      @Override
      public void watch(KeyValueEntry entry) {
        timer.execute(() -> {
          if (current == generation) {
            onDefinition(entry);
          }
        });
      }

      @Override
      public void endOfData() {
        timer.execute(() -> {
          if (current == generation) {
            loaded = true;
          }
        });
      }
    };
    try {
      definitions = tasks.bucket().watchAll(watcher);
    } catch (Exception e) {
      throw new StoreUnavailableException("cannot watch the task definitions", e);
    }
  }

  private void onPause(boolean now) {
    if (now == paused || !lease.isLeader()) {
      return;
    }
    paused = now;
    if (now) {
      log.info("scheduler paused: no scheduled firing until it is resumed");
      planned.values().forEach(f -> f.cancel(false));
      planned.clear();
      return;
    }
    log.info("scheduler resumed: firings missed while paused are handled by each task's misfire policy");
    try {
      watchDefinitions(true);
    } catch (StoreUnavailableException e) {
      log.warn("scheduler resumed but its tasks cannot be read; trying again as leader: {}", e.toString());
      watch();
    }
  }

  private void stop() {
    generation++;
    watches.forEach(Dispatcher::unsubscribe);
    watches.clear();
    unsubscribe(definitions);
    definitions = null;
    planned.values().forEach(f -> f.cancel(false));
    planned.clear();
    loaded = false;
    executor.abandonAll();
  }

  private static void unsubscribe(NatsKeyValueWatchSubscription watch) {
    if (watch == null) {
      return;
    }
    try {
      watch.unsubscribe();
    } catch (RuntimeException e) {
      log.debug("unsubscribe: {}", e.toString());
    }
  }

  private void onDefinition(KeyValueEntry entry) {
    String taskId = entry.getKey();
    ScheduledFuture<?> previous = planned.remove(taskId);
    if (previous != null) {
      previous.cancel(false);
    }
    if (entry.getOperation() != KeyValueOperation.PUT || !lease.isLeader() || paused) {
      return;
    }
    CompiledTask task;
    try {
      task = compiler.compile(Task.parseFrom(entry.getValue()), "task");
    } catch (InvalidProtocolBufferException | StatusRuntimeException e) {
      log.warn("task {} cannot be scheduled: {}", taskId, e.getMessage());
      return;
    }
    if (!task.enabled()) {
      return;
    }
    Instant now = clock.instant();
    // firings missed while paused, or before a change of the schedule, are not made up
    long changed = Timestamps.toNanos(task.task().getUpdateTime());
    long from = Math.max(cursors.get(taskId).orElse(changed), changed);
    Instant after = Instant.ofEpochSecond(0, from);
    if (!loaded) {
      // after a pause this leader's own runs are still in hand: only an election finds a dead leader's
      if (!afterPause) {
        resumeOrphans(task, after, now);
      }
      catchUp(task, after, now);
    }
    planNext(task, after.isAfter(now) ? after : now);
  }

  /**
   * Resumes the runs a dead leader recorded (so no one else may fire their times) but did not finish calling: PENDING
   * scheduled runs of the times around the task's cursor, found by id since a time's run id is known. A run it left
   * RUNNING is not touched: its call may have happened.
   */
  private void resumeOrphans(CompiledTask task, Instant cursor, Instant now) {
    List<Instant> times = new ArrayList<>();
    Optional<Instant> next = task.schedule().nextAfter(cursor.minus(orphanWindow));
    for (int i = 0; i < MAX_ORPHAN_SCAN && next.isPresent() && !next.get().isAfter(now); i++) {
      times.add(next.get());
      next = task.schedule().nextAfter(next.get());
    }
    if (times.isEmpty()) {
      return;
    }
    workers.execute(() -> {
      for (Instant time : times) {
        runs.get(task.id(), RunIds.scheduled(time)).map(Versioned::value)
            .filter(run -> run.getState() == RunState.RUN_STATE_PENDING)
            .ifPresent(run -> {
              log.info("task {}: resuming run {} left by the previous leader", task.id(), run.getRunId());
              executor.resume(task, run);
            });
      }
    });
  }

  /** Applies the task's misfire policy to the times in (after, now]. */
  private void catchUp(CompiledTask task, Instant after, Instant now) {
    MisfirePolicy policy = task.misfire();
    if (policy == MisfirePolicy.MISFIRE_POLICY_SKIP) {
      return;
    }
    int keep = policy == MisfirePolicy.MISFIRE_POLICY_FIRE_ALL ? task.catchUpLimit() : 1;
    Deque<Instant> missed = new ArrayDeque<>();
    Optional<Instant> next = task.schedule().nextAfter(after);
    for (int i = 0; i < MAX_CATCH_UP_SCAN && next.isPresent() && !next.get().isAfter(now); i++) {
      missed.addLast(next.get());
      if (missed.size() > keep) {
        missed.removeFirst();
      }
      next = task.schedule().nextAfter(next.get());
    }
    if (!missed.isEmpty()) {
      log.info("task {}: {} missed firing(s) made up ({})", task.id(), missed.size(), policy);
      List<Instant> times = List.copyOf(missed);
      workers.execute(() -> times.forEach(time -> fire(task, time, Trigger.TRIGGER_CATCH_UP)));
    }
  }

  private void planNext(CompiledTask task, Instant after) {
    task.schedule().nextAfter(after).ifPresent(time -> {
      long delay = Math.max(0, RunIds.nanos(time) - RunIds.nanos(clock.instant()));
      planned.put(task.id(), timer.schedule(() -> due(task, time), delay, TimeUnit.NANOSECONDS));
    });
  }

  private void due(CompiledTask task, Instant time) {
    if (!lease.isLeader() || paused) {
      planned.remove(task.id());
      return;
    }
    workers.execute(() -> fire(task, time, Trigger.TRIGGER_SCHEDULED));
    planNext(task, time);
  }

  /** Records and starts the run of {@code task} for scheduled time {@code time}, unless that time fired already. */
  void fire(CompiledTask task, Instant time, Trigger trigger) {
    try {
      if (!lease.isLeader() || paused) {
        return;
      }
      Run.Builder run = Run.newBuilder().setTaskId(task.id()).setRunId(RunIds.scheduled(time)).setTrigger(trigger)
          .setFireTime(Timestamps.fromNanos(RunIds.nanos(time))).setState(RunState.RUN_STATE_PENDING)
          .setTaskVersion(task.task().getVersion());
      boolean busy = !executor.activeRuns(task.id()).isEmpty();
      if (busy && task.concurrency() == ConcurrencyPolicy.CONCURRENCY_POLICY_FORBID) {
        run.setState(RunState.RUN_STATE_SKIPPED).setEndTime(Timestamps.fromNanos(RunIds.nanos(clock.instant())));
        if (runs.create(run.build())) {
          cursors.set(task.id(), RunIds.nanos(time));
        }
        return;
      }
      if (busy && task.concurrency() == ConcurrencyPolicy.CONCURRENCY_POLICY_REPLACE) {
        executor.activeRuns(task.id()).forEach(runId -> executor.cancel(task.id(), runId));
      }
      // the fire record is created already claimed (RUNNING, attempt 1), so the call follows with no other write
      Run claimed = run.setState(RunState.RUN_STATE_RUNNING).setAttemptCount(1)
          .setStartTime(Timestamps.fromNanos(RunIds.nanos(clock.instant()))).build();
      if (!runs.create(claimed)) {
        return;
      }
      executor.startClaimed(task, claimed);
      // after the start, which goes on another worker: the cursor is only read by a next leader, and one that
      // finds it behind re-creates nothing (the run's key exists) and resumes the run if it is still PENDING
      cursors.set(task.id(), RunIds.nanos(time));
    } catch (RuntimeException e) {
      log.warn("task {} at {} not fired: {}", task.id(), time, e.toString());
    }
  }

  private void startManual(String taskId, String runId, Context trace) {
    try {
      Optional<Versioned<Run>> run = runs.get(taskId, runId);
      Optional<Versioned<Task>> definition = tasks.get(taskId);
      if (run.isEmpty() || run.get().value().getState() != RunState.RUN_STATE_PENDING
          || run.get().value().getAttemptCount() != 0 || definition.isEmpty() || !lease.isLeader()) {
        signals.done(LeaderSignals.Kind.TRIGGER, taskId, runId);
        return;
      }
      CompiledTask task = compiler.compile(definition.get().value(), "task");
      boolean busy = !executor.activeRuns(taskId).isEmpty();
      if (busy && task.concurrency() == ConcurrencyPolicy.CONCURRENCY_POLICY_FORBID) {
        runs.update(taskId, runId, stored -> stored.getState() != RunState.RUN_STATE_PENDING ? null
            : stored.toBuilder().setState(RunState.RUN_STATE_SKIPPED)
                .setEndTime(Timestamps.fromNanos(RunIds.nanos(clock.instant()))).build());
      } else {
        if (busy && task.concurrency() == ConcurrencyPolicy.CONCURRENCY_POLICY_REPLACE) {
          executor.activeRuns(taskId).forEach(active -> executor.cancel(taskId, active));
        }
        executor.start(task, run.get().value(), trace);
      }
      signals.done(LeaderSignals.Kind.TRIGGER, taskId, runId);
    } catch (RuntimeException e) {
      log.warn("manual run {} of task {} not started: {}", runId, taskId, e.toString());
    }
  }

  /** Stops firing; the lease is released by its owner. */
  @Override
  public void close() throws InterruptedException {
    timer.execute(this::stop);
    timer.shutdown();
    timer.awaitTermination(5, TimeUnit.SECONDS);
    workers.shutdown();
    if (!workers.awaitTermination(5, TimeUnit.SECONDS)) {
      // firings still queued are dropped: their runs stay PENDING and the next leader resumes them
      workers.shutdownNow();
    }
  }
}
