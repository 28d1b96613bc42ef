package io.marketprism.scheduler.fire;

import com.google.common.util.concurrent.FutureCallback;
import com.google.common.util.concurrent.Futures;
import com.google.common.util.concurrent.ListenableFuture;
import com.google.protobuf.Any;
import com.google.common.util.concurrent.MoreExecutors;
import com.google.protobuf.DynamicMessage;
import com.google.protobuf.Message;
import com.google.protobuf.Timestamp;
import com.google.protobuf.util.Timestamps;
import io.grpc.Status;
import io.grpc.protobuf.StatusProto;
import io.marketprism.scheduler.domain.CompiledTask;
import io.marketprism.scheduler.store.RunStore;
import io.marketprism.scheduler.invoke.RpcInvoker;
import io.marketprism.scheduler.invoke.TaskPublisher;
import io.marketprism.scheduler.invoke.TargetRequests;
import io.marketprism.scheduler.v1.Execution;
import io.marketprism.scheduler.v1.ExecutionState;
import io.marketprism.scheduler.v1.Run;
import io.marketprism.scheduler.v1.RunState;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Executes runs on the leader: one call of the target per attempt, with the task's timeout as the call's deadline,
 * retries after the policy's backoff, and every step recorded (run state, one execution per attempt). A run can be
 * cancelled while its call is in flight or while it waits for a retry. Thread-safe.
 */
public final class RunExecutor {

  private static final int MAX_RESPONSE_BYTES = 64 * 1024;

  private final RunStore runs;
  private final RpcInvoker invoker;
  private final TaskPublisher publisher;
  private final ScheduledExecutorService timer;
  private final Executor workers;
  private final Clock clock;
  private final String instance;
  /** Runs executing here, by task then run id: what concurrency policies and cancellation look at. */
  private final Map<String, Map<String, Active>> active = new ConcurrentHashMap<>();

  public RunExecutor(RunStore runs, RpcInvoker invoker, TaskPublisher publisher, ScheduledExecutorService timer,
      Executor workers, Clock clock, String instance) {
    this.runs = runs;
    this.invoker = invoker;
    this.publisher = publisher;
    this.timer = timer;
    this.workers = workers;
    this.clock = clock;
    this.instance = instance;
  }

  /** One run in progress here: its task, and the call in flight or the retry waiting, whichever is current. */
  private static final class Active {
    final CompiledTask task;
    final Run run;
    /** The trace the run's calls continue: a manual trigger's, else none (each call starts its own). */
    final Context trace;

    volatile Future<?> current;
    volatile boolean cancelled;

    Active(CompiledTask task, Run run, Context trace) {
      this.task = task;
      this.run = run;
      this.trace = trace;
    }
  }

  /** The ids of the runs of {@code taskId} executing here. */
  public Set<String> activeRuns(String taskId) {
    return Set.copyOf(active.getOrDefault(taskId, Map.of()).keySet());
  }

  /** Starts a recorded, PENDING run whose calls continue {@code trace} (a manual trigger's). */
  public void start(CompiledTask task, Run run, Context trace) {
    begin(new Active(task, run, trace));
  }

  /**
   * Makes the next attempt of a PENDING run: the first of a new run, or the one a dead leader owed (its run was
   * recorded, or its retry was waiting, when it died).
   */
  public void resume(CompiledTask task, Run run) {
    begin(new Active(task, run, Context.root()));
  }

  private void begin(Active handle) {
    active.computeIfAbsent(handle.task.id(), k -> new ConcurrentHashMap<>()).put(handle.run.getRunId(), handle);
    workers.execute(() -> attempt(handle, handle.run.getAttemptCount() + 1));
  }

  /** Cancels a run executing here (its call, or its wait for a retry); false if it is not executing here. */
  public boolean cancel(String taskId, String runId) {
    Active handle = active.getOrDefault(taskId, Map.of()).get(runId);
    if (handle == null) {
      return false;
    }
    handle.cancelled = true;
    Future<?> current = handle.current;
    if (current != null) {
      current.cancel(true);
    }
    // a run waiting for a retry has no callback left to record the end
    workers.execute(() -> finishCancelled(handle, null));
    return true;
  }

  /** Cancels every run here (this instance stops being leader or shuts down); the runs stay as recorded. */
  public void abandonAll() {
    active.values().forEach(runsOfTask -> runsOfTask.values().forEach(handle -> {
      handle.cancelled = true;
      Future<?> current = handle.current;
      if (current != null) {
        current.cancel(true);
      }
    }));
    active.clear();
  }

  private void attempt(Active handle, int attempt) {
    if (handle.cancelled) {
      return;
    }
    Timestamp start = now();
    Run run = handle.run;
    // attempt n claims the run only if n - 1 attempts are recorded (compare-and-set): two instances that both
    // believe they lead, or a new leader resuming a dead one's run, cannot both make it
    Run running = runs.update(run.getTaskId(), run.getRunId(), stored -> isFinal(stored.getState())
        || stored.getAttemptCount() != attempt - 1 ? null
        : stored.toBuilder().setState(RunState.RUN_STATE_RUNNING).setAttemptCount(attempt)
            .setStartTime(stored.hasStartTime() ? stored.getStartTime() : start).build()).orElse(null);
    if (running == null || running.getState() != RunState.RUN_STATE_RUNNING || running.getAttemptCount() != attempt) {
      forget(handle);
      return;
    }
    call(handle, attempt, start);
  }

  /**
   * Starts a scheduled run whose record this instance has just created already claimed (RUNNING, attempt 1): the
   * call goes out with no further round trip to the store.
   */
  public void startClaimed(CompiledTask task, Run run) {
    Active handle = new Active(task, run, Context.root());
    active.computeIfAbsent(task.id(), k -> new ConcurrentHashMap<>()).put(run.getRunId(), handle);
    call(handle, 1, run.getStartTime());
  }

  private void call(Active handle, int attempt, Timestamp start) {
    Run run = handle.run;
    Execution execution = Execution.newBuilder().setTaskId(run.getTaskId()).setRunId(run.getRunId())
        .setAttempt(attempt).setState(ExecutionState.EXECUTION_STATE_RUNNING).setStartTime(start)
        .setSchedulerInstance(instance).build();
    // recorded beside the call rather than before it; the outcome is recorded only after it, so it cannot be
    // overwritten by the RUNNING record
    CompletableFuture<Void> recorded = CompletableFuture.runAsync(() -> runs.putExecution(execution), workers);
    ListenableFuture<? extends Message> call;
    try (Scope traced = handle.trace.makeCurrent()) {
      call = invoke(handle.task, run);
    } catch (RuntimeException e) {
      call = Futures.immediateFailedFuture(e);
    }
    handle.current = call;
    Futures.addCallback(call, new FutureCallback<Message>() {
      @Override
      public void onSuccess(Message response) {
        recorded.whenCompleteAsync((ignored, e) -> succeeded(handle, execution, response), workers);
      }

      @Override
      public void onFailure(Throwable t) {
        recorded.whenCompleteAsync((ignored, e) -> failed(handle, execution, Status.fromThrowable(t)), workers);
      }
    }, workers);
  }

  /** Calls the task's RPC, or hands its message to the publisher; a publish completes with no response. */
  private ListenableFuture<? extends Message> invoke(CompiledTask task, Run run) {
    long fireTime = Timestamps.toNanos(run.getFireTime());
    if (task.publishes()) {
      return Futures.transform(publisher.publish(task.task().getTarget().getNatsPublish(), run.getTaskId(),
          run.getRunId(), fireTime, task.timeout()), ignored -> null, MoreExecutors.directExecutor());
    }
    DynamicMessage request = TargetRequests.forFiring(task.request(), task.task().getTarget(),
        Instant.ofEpochSecond(0, fireTime));
    return invoker.call(task.task().getTarget().getService(), task.method(), request, task.timeout());
  }

  /** @param response the RPC's response; null for a publish, which has none */
  private void succeeded(Active handle, Execution execution, Message response) {
    Execution.Builder done = execution.toBuilder().setState(ExecutionState.EXECUTION_STATE_SUCCEEDED)
        .setEndTime(now());
    if (response != null && response.getSerializedSize() <= MAX_RESPONSE_BYTES) {
      done.setResponse(Any.newBuilder()
          .setTypeUrl("type.googleapis.com/" + response.getDescriptorForType().getFullName())
          .setValue(response.toByteString()));
    } else if (response != null) {
      done.setResponseTruncated(true);
    }
    runs.putExecution(done.build());
    Timestamp end = done.getEndTime();
    runs.update(execution.getTaskId(), execution.getRunId(), stored -> isFinal(stored.getState()) ? null
        : stored.toBuilder().setState(RunState.RUN_STATE_SUCCEEDED).setEndTime(end).clearError().build());
    forget(handle);
  }

  private void failed(Active handle, Execution execution, Status status) {
    if (handle.cancelled) {
      finishCancelled(handle, execution);
      return;
    }
    com.google.rpc.Status error = StatusProto.fromStatusAndTrailers(status, null);
    Execution done = execution.toBuilder().setState(ExecutionState.EXECUTION_STATE_FAILED).setEndTime(now())
        .setError(error).build();
    runs.putExecution(done);
    int attempt = execution.getAttempt();
    if (handle.task.retry().retries(attempt, status.getCode())) {
      Run waiting = runs.update(execution.getTaskId(), execution.getRunId(), stored -> isFinal(stored.getState())
          ? null : stored.toBuilder().setState(RunState.RUN_STATE_PENDING).setError(error).build()).orElse(null);
      if (waiting == null || isFinal(waiting.getState())) {
        forget(handle);
        return;
      }
      long delay = handle.task.retry().backoffAfter(attempt).toNanos();
      handle.current = timer.schedule(() -> workers.execute(() -> attempt(handle, attempt + 1)), delay,
          TimeUnit.NANOSECONDS);
      return;
    }
    Timestamp end = done.getEndTime();
    runs.update(execution.getTaskId(), execution.getRunId(), stored -> isFinal(stored.getState()) ? null
        : stored.toBuilder().setState(RunState.RUN_STATE_FAILED).setEndTime(end).setError(error).build());
    forget(handle);
  }

  /** Records a cancelled run (CancelRun may have recorded it first) and its execution in flight, if any. */
  private void finishCancelled(Active handle, Execution inFlight) {
    Timestamp end = now();
    com.google.rpc.Status error = StatusProto.fromStatusAndTrailers(
        Status.CANCELLED.withDescription("run cancelled"), null);
    if (inFlight != null) {
      runs.putExecution(inFlight.toBuilder().setState(ExecutionState.EXECUTION_STATE_CANCELLED).setEndTime(end)
          .setError(error).build());
    }
    runs.update(handle.run.getTaskId(), handle.run.getRunId(), stored -> isFinal(stored.getState()) ? null
        : stored.toBuilder().setState(RunState.RUN_STATE_CANCELLED).setEndTime(end).setError(error).build());
    forget(handle);
  }

  private void forget(Active handle) {
    Map<String, Active> ofTask = active.get(handle.run.getTaskId());
    if (ofTask != null) {
      ofTask.remove(handle.run.getRunId(), handle);
    }
  }

  private Timestamp now() {
    Instant now = clock.instant();
    return Timestamp.newBuilder().setSeconds(now.getEpochSecond()).setNanos(now.getNano()).build();
  }

  public static boolean isFinal(RunState state) {
    return state == RunState.RUN_STATE_SUCCEEDED || state == RunState.RUN_STATE_FAILED
        || state == RunState.RUN_STATE_SKIPPED || state == RunState.RUN_STATE_CANCELLED;
  }
}
