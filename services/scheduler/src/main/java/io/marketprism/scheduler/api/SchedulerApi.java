package io.marketprism.scheduler.api;

import com.google.protobuf.Any;
import com.google.protobuf.FieldMask;
import com.google.protobuf.util.FieldMaskUtil;
import com.google.protobuf.util.Timestamps;
import com.google.rpc.ErrorInfo;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;
import io.grpc.stub.StreamObserver;
import io.marketprism.kit.api.Caller;
import io.marketprism.kit.api.CallerInterceptor;
import io.marketprism.kit.api.FieldViolations;
import io.marketprism.scheduler.domain.RunIds;
import io.marketprism.scheduler.domain.TaskCompiler;
import io.marketprism.scheduler.fire.RunExecutor;
import io.marketprism.scheduler.store.FireCursors;
import io.marketprism.scheduler.fire.TriggerTraces;
import io.marketprism.scheduler.store.LeaderSignals;
import io.marketprism.scheduler.store.LeaderLease;
import io.marketprism.scheduler.store.RunStore;
import io.marketprism.scheduler.store.SchedulerPause;
import io.marketprism.scheduler.store.StoreUnavailableException;
import io.marketprism.scheduler.store.TaskStore;
import io.marketprism.scheduler.store.Versioned;
import io.marketprism.scheduler.v1.CancelRunRequest;
import io.marketprism.scheduler.v1.CancelRunResponse;
import io.marketprism.scheduler.v1.ConcurrencyPolicy;
import io.marketprism.scheduler.v1.CreateTaskRequest;
import io.marketprism.scheduler.v1.CreateTaskResponse;
import io.marketprism.scheduler.v1.DeleteTaskRequest;
import io.marketprism.scheduler.v1.DeleteTaskResponse;
import io.marketprism.scheduler.v1.Execution;
import io.marketprism.scheduler.v1.GetExecutionRequest;
import io.marketprism.scheduler.v1.GetExecutionResponse;
import io.marketprism.scheduler.v1.GetRunRequest;
import io.marketprism.scheduler.v1.GetRunResponse;
import io.marketprism.scheduler.v1.GetSchedulerStatusRequest;
import io.marketprism.scheduler.v1.GetSchedulerStatusResponse;
import io.marketprism.scheduler.v1.GetTaskRequest;
import io.marketprism.scheduler.v1.GetTaskResponse;
import io.marketprism.scheduler.v1.ListExecutionsRequest;
import io.marketprism.scheduler.v1.ListExecutionsResponse;
import io.marketprism.scheduler.v1.ListRunsRequest;
import io.marketprism.scheduler.v1.ListRunsResponse;
import io.marketprism.scheduler.v1.ListTasksRequest;
import io.marketprism.scheduler.v1.ListTasksResponse;
import io.marketprism.scheduler.v1.PauseSchedulerRequest;
import io.marketprism.scheduler.v1.PauseSchedulerResponse;
import io.marketprism.scheduler.v1.PauseTaskRequest;
import io.marketprism.scheduler.v1.PauseTaskResponse;
import io.marketprism.scheduler.v1.ResumeSchedulerRequest;
import io.marketprism.scheduler.v1.ResumeSchedulerResponse;
import io.marketprism.scheduler.v1.ResumeTaskRequest;
import io.marketprism.scheduler.v1.ResumeTaskResponse;
import io.marketprism.scheduler.v1.Run;
import io.marketprism.scheduler.v1.RunState;
import io.marketprism.scheduler.v1.SchedulerServiceGrpc;
import io.marketprism.scheduler.v1.SchedulerStatus;
import io.marketprism.scheduler.v1.Task;
import io.marketprism.scheduler.v1.TaskState;
import io.marketprism.scheduler.v1.Trigger;
import io.marketprism.scheduler.v1.TriggerTaskRequest;
import io.marketprism.scheduler.v1.TriggerTaskResponse;
import io.marketprism.scheduler.v1.UpdateTaskRequest;
import io.marketprism.scheduler.v1.UpdateTaskResponse;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;

/**
 * The {@code marketprism.scheduler.v1.SchedulerService} API, served by every replica from the key-value store:
 * definitions are written here, and what only the leader can do (start a manual run, cancel a call in flight) is
 * asked of it through {@link LeaderSignals}. Thin: checks, store, translate. Thread-safe.
 */
public final class SchedulerApi extends SchedulerServiceGrpc.SchedulerServiceImplBase {

  /** Fields a client may not set through UpdateTask. */
  private static final Set<String> NOT_WRITABLE =
      Set.of("task_id", "version", "create_time", "update_time", "updated_by", "next_fire_time", "last_run");

  /** How many of a task's newest runs TriggerTask looks at for one in progress. */
  private static final int ACTIVE_RUN_SCAN = 50;

  private final TaskStore tasks;
  private final RunStore runs;
  private final FireCursors cursors;
  private final LeaderSignals signals;
  private final TaskCompiler compiler;
  private final TaskViews views;
  private final SchedulerPause pause;
  private final SchedulerStatuses statuses;
  private final Clock clock;

  /**
   * Serve it behind a {@link CallerInterceptor}: every write records its caller ({@code updated_by},
   * {@code paused_by}).
   */
  public SchedulerApi(TaskStore tasks, RunStore runs, FireCursors cursors, LeaderSignals signals,
      SchedulerPause pause, LeaderLease lease, TaskCompiler compiler, Clock clock) {
    this.tasks = tasks;
    this.runs = runs;
    this.cursors = cursors;
    this.signals = signals;
    this.compiler = compiler;
    this.clock = clock;
    this.views = new TaskViews(compiler, runs, clock);
    this.pause = pause;
    this.statuses = new SchedulerStatuses(tasks, cursors, lease, pause, compiler, clock);
  }

  @Override
  public void createTask(CreateTaskRequest request, StreamObserver<CreateTaskResponse> response) {
    answer(response, () -> {
      if (!request.hasTask()) {
        throw FieldViolations.single("task", "is required");
      }
      Task created = create(request.getTask(), caller());
      return CreateTaskResponse.newBuilder().setTask(views.view(created, false)).build();
    });
  }

  /**
   * Stores a new task (output fields set here) as changed by {@code updatedBy}; ALREADY_EXISTS if its id is taken.
   * Also used for built-ins.
   */
  public Task create(Task requested, String updatedBy) {
    com.google.protobuf.Timestamp now = now();
    Task task = requested.toBuilder().setVersion(1).setCreateTime(now).setUpdateTime(now)
        .setState(requested.getState() == TaskState.TASK_STATE_PAUSED
            ? TaskState.TASK_STATE_PAUSED : TaskState.TASK_STATE_ENABLED)
        .clearNextFireTime().clearLastRun().setUpdatedBy(updatedBy).build();
    compiler.compile(task, "task");
    if (!tasks.create(task)) {
      throw Status.ALREADY_EXISTS.withDescription("task " + task.getTaskId() + " exists").asRuntimeException();
    }
    return task;
  }

  @Override
  public void getTask(GetTaskRequest request, StreamObserver<GetTaskResponse> response) {
    answer(response, () -> GetTaskResponse.newBuilder()
        .setTask(views.view(existing(request.getTaskId()).value(), true)).build());
  }

  @Override
  public void listTasks(ListTasksRequest request, StreamObserver<ListTasksResponse> response) {
    answer(response, () -> {
      int size = Pages.size(request.getPageSize(), 100);
      String filters = request.getStateValue() + "," + request.getTargetService();
      String after = Pages.after(request.getPageToken(), filters);
      ListTasksResponse.Builder page = ListTasksResponse.newBuilder();
      for (String id : tasks.ids()) {
        if (id.compareTo(after) <= 0) {
          continue;
        }
        Optional<Task> task = tasks.get(id).map(Versioned::value);
        if (task.isEmpty() || !matches(task.get(), request)) {
          continue;
        }
        if (page.getTasksCount() == size) {
          page.setNextPageToken(Pages.token(filters, page.getTasks(size - 1).getTaskId()));
          break;
        }
        page.addTasks(views.view(task.get(), false));
      }
      return page.build();
    });
  }

  private static boolean matches(Task task, ListTasksRequest request) {
    return (request.getState() == TaskState.TASK_STATE_UNSPECIFIED || task.getState() == request.getState())
        && (request.getTargetService().isEmpty() || task.getTarget().getService().equals(request.getTargetService()));
  }

  @Override
  public void updateTask(UpdateTaskRequest request, StreamObserver<UpdateTaskResponse> response) {
    answer(response, () -> {
      FieldMask mask = checkMask(request);
      Long expected = request.hasExpectedVersion() ? request.getExpectedVersion() : null;
      Task updated = change(request.getTask().getTaskId(), expected, stored -> {
        Task.Builder merged = stored.toBuilder();
        if (mask.getPathsList().contains("*")) {
          Task given = request.getTask();
          merged.setDescription(given.getDescription()).setSchedule(given.getSchedule())
              .setTarget(given.getTarget()).setState(given.getState()).setRetryPolicy(given.getRetryPolicy())
              .setConcurrencyPolicy(given.getConcurrencyPolicy()).setMisfirePolicy(given.getMisfirePolicy())
              .setMisfireCatchUpLimit(given.getMisfireCatchUpLimit());
        } else {
          FieldMaskUtil.merge(mask, request.getTask(), merged,
              new FieldMaskUtil.MergeOptions().setReplaceMessageFields(true).setReplaceRepeatedFields(true)
                  .setReplacePrimitiveFields(true));
        }
        if (merged.getState() == TaskState.TASK_STATE_UNSPECIFIED) {
          merged.setState(TaskState.TASK_STATE_ENABLED);
        }
        return merged.build();
      });
      return UpdateTaskResponse.newBuilder().setTask(views.view(updated, false)).build();
    });
  }

  private static FieldMask checkMask(UpdateTaskRequest request) {
    if (!request.hasTask()) {
      throw FieldViolations.single("task", "is required");
    }
    FieldMask mask = request.getUpdateMask();
    if (mask.getPathsCount() == 0) {
      throw FieldViolations.single("update_mask", "is required (e.g. \"schedule\", or \"*\" for every field)");
    }
    FieldViolations violations = new FieldViolations();
    for (int i = 0; i < mask.getPathsCount(); i++) {
      String path = mask.getPaths(i);
      if (path.equals("*")) {
        continue;
      }
      if (!FieldMaskUtil.isValid(Task.class, path)) {
        violations.add("update_mask.paths[" + i + "]", "is not a field of Task: " + path);
      } else if (NOT_WRITABLE.contains(path.split("\\.")[0])) {
        violations.add("update_mask.paths[" + i + "]", path + " is output only or immutable");
      }
    }
    violations.throwIfAny();
    return mask;
  }

  @Override
  public void deleteTask(DeleteTaskRequest request, StreamObserver<DeleteTaskResponse> response) {
    answer(response, () -> {
      Versioned<Task> stored = existing(request.getTaskId());
      if (request.hasExpectedVersion() && request.getExpectedVersion() != stored.value().getVersion()) {
        throw stale(stored.value().getVersion());
      }
      String taskId = request.getTaskId();
      tasks.delete(taskId);
      for (String runId : runs.runIds(taskId)) {
        runs.get(taskId, runId).filter(run -> !RunExecutor.isFinal(run.value().getState()))
            .ifPresent(run -> signals.send(LeaderSignals.Kind.CANCEL, taskId, runId));
      }
      runs.deleteAll(taskId);
      cursors.delete(taskId);
      return DeleteTaskResponse.getDefaultInstance();
    });
  }

  @Override
  public void pauseTask(PauseTaskRequest request, StreamObserver<PauseTaskResponse> response) {
    answer(response, () -> PauseTaskResponse.newBuilder()
        .setTask(views.view(setState(request.getTaskId(), TaskState.TASK_STATE_PAUSED), false)).build());
  }

  @Override
  public void resumeTask(ResumeTaskRequest request, StreamObserver<ResumeTaskResponse> response) {
    answer(response, () -> ResumeTaskResponse.newBuilder()
        .setTask(views.view(setState(request.getTaskId(), TaskState.TASK_STATE_ENABLED), false)).build());
  }

  private Task setState(String taskId, TaskState state) {
    Versioned<Task> stored = existing(taskId);
    if (stored.value().getState() == state) {
      return stored.value();
    }
    return change(taskId, null, task -> task.getState() == state ? task : task.toBuilder().setState(state).build());
  }

  @Override
  public void triggerTask(TriggerTaskRequest request, StreamObserver<TriggerTaskResponse> response) {
    answer(response, () -> {
      Task task = existing(request.getTaskId()).value();
      ConcurrencyPolicy policy = task.getConcurrencyPolicy();
      if ((policy == ConcurrencyPolicy.CONCURRENCY_POLICY_FORBID
          || policy == ConcurrencyPolicy.CONCURRENCY_POLICY_UNSPECIFIED) && inProgress(task.getTaskId())) {
        throw Status.FAILED_PRECONDITION
            .withDescription("a run of " + task.getTaskId() + " is in progress and its concurrency policy is FORBID")
            .asRuntimeException();
      }
      com.google.protobuf.Timestamp now = now();
      Run run = Run.newBuilder().setTaskId(task.getTaskId())
          .setRunId(RunIds.manual(java.time.Instant.ofEpochSecond(now.getSeconds(), now.getNanos()),
              ThreadLocalRandom.current().nextInt(1_000_000_000)))
          .setTrigger(Trigger.TRIGGER_MANUAL).setFireTime(now).setState(RunState.RUN_STATE_PENDING)
          .setTaskVersion(task.getVersion()).build();
      if (!runs.create(run)) {
        throw Status.ABORTED.withDescription("run id collision; trigger again").asRuntimeException();
      }
      // the run's call continues this request's trace, on whichever replica leads
      signals.send(LeaderSignals.Kind.TRIGGER, task.getTaskId(), run.getRunId(), TriggerTraces.current());
      return TriggerTaskResponse.newBuilder().setRun(run).build();
    });
  }

  private boolean inProgress(String taskId) {
    return runs.runIds(taskId).stream().limit(ACTIVE_RUN_SCAN)
        .map(runId -> runs.get(taskId, runId))
        .anyMatch(run -> run.isPresent() && !RunExecutor.isFinal(run.get().value().getState()));
  }

  @Override
  public void getRun(GetRunRequest request, StreamObserver<GetRunResponse> response) {
    answer(response, () -> GetRunResponse.newBuilder()
        .setRun(existingRun(request.getTaskId(), request.getRunId())).build());
  }

  @Override
  public void listRuns(ListRunsRequest request, StreamObserver<ListRunsResponse> response) {
    answer(response, () -> {
      existing(request.getTaskId());
      int size = Pages.size(request.getPageSize(), 50);
      String filters = request.getTaskId() + "," + request.getStatesValueList();
      String after = Pages.after(request.getPageToken(), filters);
      ListRunsResponse.Builder page = ListRunsResponse.newBuilder();
      for (String runId : runs.runIds(request.getTaskId())) {
        if (!after.isEmpty() && runId.compareTo(after) >= 0) {
          continue;
        }
        Optional<Run> run = runs.get(request.getTaskId(), runId).map(Versioned::value);
        if (run.isEmpty() || (request.getStatesCount() > 0 && !request.getStatesList().contains(run.get().getState()))) {
          continue;
        }
        if (page.getRunsCount() == size) {
          page.setNextPageToken(Pages.token(filters, page.getRuns(size - 1).getRunId()));
          break;
        }
        page.addRuns(run.get());
      }
      return page.build();
    });
  }

  @Override
  public void cancelRun(CancelRunRequest request, StreamObserver<CancelRunResponse> response) {
    answer(response, () -> {
      existingRun(request.getTaskId(), request.getRunId());
      com.google.protobuf.Timestamp now = now();
      com.google.rpc.Status cancelled = StatusProto.fromStatusAndTrailers(
          Status.CANCELLED.withDescription("run cancelled"), null);
      Run run = runs.update(request.getTaskId(), request.getRunId(), stored -> RunExecutor.isFinal(stored.getState())
          ? null
          : stored.toBuilder().setState(RunState.RUN_STATE_CANCELLED).setEndTime(now).setError(cancelled).build())
          .orElseThrow(() -> notFound("run " + request.getRunId()));
      if (run.getEndTime().equals(now)) {
        signals.send(LeaderSignals.Kind.CANCEL, request.getTaskId(), request.getRunId());
      }
      return CancelRunResponse.newBuilder().setRun(run).build();
    });
  }

  @Override
  public void getExecution(GetExecutionRequest request, StreamObserver<GetExecutionResponse> response) {
    answer(response, () -> {
      existingRun(request.getTaskId(), request.getRunId());
      if (request.getAttempt() < 1) {
        throw FieldViolations.single("attempt", "must be 1 or more");
      }
      Execution execution = runs.execution(request.getTaskId(), request.getRunId(), request.getAttempt())
          .orElseThrow(() -> notFound("execution " + request.getAttempt() + " of run " + request.getRunId()));
      return GetExecutionResponse.newBuilder().setExecution(execution).build();
    });
  }

  @Override
  public void listExecutions(ListExecutionsRequest request, StreamObserver<ListExecutionsResponse> response) {
    answer(response, () -> {
      Run run = existingRun(request.getTaskId(), request.getRunId());
      List<Execution> executions = new ArrayList<>();
      for (int attempt = 1; attempt <= run.getAttemptCount(); attempt++) {
        runs.execution(run.getTaskId(), run.getRunId(), attempt).ifPresent(executions::add);
      }
      return ListExecutionsResponse.newBuilder().addAllExecutions(executions).build();
    });
  }

  @Override
  public void pauseScheduler(PauseSchedulerRequest request, StreamObserver<PauseSchedulerResponse> response) {
    answer(response, () -> {
      if (request.getReason().length() > 1024) {
        throw FieldViolations.single("reason", "must be at most 1024 characters");
      }
      pause.pause(SchedulerStatus.newBuilder().setPaused(true).setPauseTime(now()).setPausedBy(caller())
          .setPauseReason(request.getReason()).build());
      return PauseSchedulerResponse.newBuilder().setStatus(statuses.now()).build();
    });
  }

  @Override
  public void resumeScheduler(ResumeSchedulerRequest request, StreamObserver<ResumeSchedulerResponse> response) {
    answer(response, () -> {
      pause.resume();
      return ResumeSchedulerResponse.newBuilder().setStatus(statuses.now()).build();
    });
  }

  @Override
  public void getSchedulerStatus(GetSchedulerStatusRequest request,
      StreamObserver<GetSchedulerStatusResponse> response) {
    answer(response, () -> GetSchedulerStatusResponse.newBuilder().setStatus(statuses.now()).build());
  }

  /** How the caller is recorded: as the config center records it for its audit ({@link Caller#toString()}). */
  private static String caller() {
    return CallerInterceptor.current().toString();
  }

  /** Applies {@code change} to a task with compare-and-set, bumping its version; validates the result. */
  private Task change(String taskId, Long expectedVersion, UnaryOperator<Task> change) {
    while (true) {
      Versioned<Task> stored = existing(taskId);
      if (expectedVersion != null && expectedVersion != stored.value().getVersion()) {
        throw stale(stored.value().getVersion());
      }
      Task changed = change.apply(stored.value()).toBuilder().setTaskId(taskId)
          .setVersion(stored.value().getVersion() + 1).setUpdateTime(now())
          .setCreateTime(stored.value().getCreateTime()).setUpdatedBy(caller()).clearNextFireTime().clearLastRun()
          .build();
      compiler.compile(changed, "task");
      if (tasks.update(changed, stored.revision())) {
        return changed;
      }
    }
  }

  private Versioned<Task> existing(String taskId) {
    if (taskId.isEmpty()) {
      throw FieldViolations.single("task_id", "is required");
    }
    return tasks.get(taskId).orElseThrow(() -> notFound("task " + taskId));
  }

  private Run existingRun(String taskId, String runId) {
    existing(taskId);
    if (!RunIds.isValid(runId)) {
      throw FieldViolations.single("run_id", "is not a run id (19 digits, then s or m<n>)");
    }
    return runs.get(taskId, runId).map(Versioned::value).orElseThrow(() -> notFound("run " + runId));
  }

  private static StatusRuntimeException notFound(String what) {
    return Status.NOT_FOUND.withDescription(what + " not found").asRuntimeException();
  }

  private static StatusRuntimeException stale(long current) {
    com.google.rpc.Status status = com.google.rpc.Status.newBuilder()
        .setCode(Status.Code.ABORTED.value())
        .setMessage("the task's version is " + current + ": read it again and reapply")
        .addDetails(Any.pack(ErrorInfo.newBuilder().setReason("STALE_VERSION").setDomain("scheduler.marketprism.io")
            .putMetadata("current_version", Long.toString(current)).build()))
        .build();
    return StatusProto.toStatusRuntimeException(status);
  }

  private com.google.protobuf.Timestamp now() {
    return Timestamps.fromNanos(RunIds.nanos(clock.instant()));
  }

  private static <T> void answer(StreamObserver<T> response, Supplier<T> call) {
    T answer;
    try {
      answer = call.get();
    } catch (StatusRuntimeException e) {
      response.onError(e);
      return;
    } catch (StoreUnavailableException e) {
      response.onError(Status.UNAVAILABLE.withDescription(e.getMessage() + "; retry with backoff")
          .withCause(e).asRuntimeException());
      return;
    }
    response.onNext(answer);
    response.onCompleted();
  }
}
