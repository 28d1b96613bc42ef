package io.marketprism.scheduler.fire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.util.Durations;
import com.google.protobuf.util.Timestamps;
import io.grpc.Status;
import io.marketprism.scheduler.FakeStorage;
import io.marketprism.scheduler.SchedulerFixture;
import io.marketprism.scheduler.Tasks;
import io.marketprism.scheduler.v1.CancelRunRequest;
import io.marketprism.scheduler.v1.ConcurrencyPolicy;
import io.marketprism.scheduler.v1.CreateTaskRequest;
import io.marketprism.scheduler.v1.Execution;
import io.marketprism.scheduler.v1.ExecutionState;
import io.marketprism.scheduler.v1.GetRunRequest;
import io.marketprism.scheduler.v1.ListExecutionsRequest;
import io.marketprism.scheduler.v1.ListRunsRequest;
import io.marketprism.scheduler.v1.RetryPolicy;
import io.marketprism.scheduler.v1.Run;
import io.marketprism.scheduler.v1.RunState;
import io.marketprism.scheduler.v1.Task;
import io.marketprism.scheduler.v1.Trigger;
import io.marketprism.scheduler.v1.TriggerTaskRequest;
import io.marketprism.storage.v1.ArchiveResponse;
import io.marketprism.testkit.NatsServer;
import io.marketprism.testkit.WithNats;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Retry, timeout, cancellation and overlap, against a real scheduler calling a stand-in storage. */
@WithNats
class RunPoliciesTest {

  static NatsServer natsServer;
  FakeStorage storage;
  SchedulerFixture scheduler;

  @BeforeEach
  void start() throws Exception {
    storage = new FakeStorage();
    scheduler = SchedulerFixture.start(natsServer, SchedulerFixture.uniquePrefix(), storage.address());
  }

  @AfterEach
  void stop() throws Exception {
    scheduler.close();
    storage.close();
  }

  private void create(Task.Builder task) {
    scheduler.api().createTask(CreateTaskRequest.newBuilder().setTask(task).build());
  }

  private Run trigger(String taskId) {
    return scheduler.api().triggerTask(TriggerTaskRequest.newBuilder().setTaskId(taskId).build()).getRun();
  }

  private Run awaitRun(Run run, RunState state) {
    await().atMost(Duration.ofSeconds(20)).until(() -> get(run).getState() == state);
    return get(run);
  }

  private Run get(Run run) {
    return scheduler.api().getRun(GetRunRequest.newBuilder().setTaskId(run.getTaskId()).setRunId(run.getRunId())
        .build()).getRun();
  }

  private List<Execution> executions(Run run) {
    return scheduler.api().listExecutions(ListExecutionsRequest.newBuilder().setTaskId(run.getTaskId())
        .setRunId(run.getRunId()).build()).getExecutionsList();
  }

  private List<Run> runs(String taskId) {
    return scheduler.api().listRuns(ListRunsRequest.newBuilder().setTaskId(taskId).setPageSize(1000).build())
        .getRunsList();
  }

  private static long millis(com.google.protobuf.Timestamp t) {
    return Timestamps.toMillis(t);
  }

  @Test
  void aFailedCallIsRetriedAfterGrowingBackoffUntilItSucceeds() throws Exception {
    storage.failFirst = 2;
    create(Tasks.archiveAt("retry", "0 0 1 1 *").setRetryPolicy(RetryPolicy.newBuilder().setMaxAttempts(4)
        .setInitialBackoff(Durations.fromMillis(200)).setBackoffMultiplier(2.0)));
    Run run = awaitRun(trigger("retry"), RunState.RUN_STATE_SUCCEEDED);

    assertThat(run.getTrigger()).isEqualTo(Trigger.TRIGGER_MANUAL);
    assertThat(run.getAttemptCount()).isEqualTo(3);
    List<Execution> executions = executions(run);
    assertThat(executions).extracting(Execution::getState).containsExactly(ExecutionState.EXECUTION_STATE_FAILED,
        ExecutionState.EXECUTION_STATE_FAILED, ExecutionState.EXECUTION_STATE_SUCCEEDED);
    assertThat(executions.get(0).getError().getCode()).isEqualTo(Status.Code.UNAVAILABLE.value());
    assertThat(millis(executions.get(1).getStartTime()) - millis(executions.get(0).getEndTime()))
        .isGreaterThanOrEqualTo(200);
    assertThat(millis(executions.get(2).getStartTime()) - millis(executions.get(1).getEndTime()))
        .isGreaterThanOrEqualTo(400);
    assertThat(executions.get(2).getResponse().unpack(ArchiveResponse.class).getMovedRows()).isEqualTo(3);
    assertThat(storage.calls).hasSize(3);
  }

  @Test
  void aCodeThatIsNotRetryableFailsTheRunAtOnce() {
    storage.failFirst = 5;
    storage.failWith = Status.INVALID_ARGUMENT.withDescription("cutoff in the future");
    create(Tasks.archiveAt("no-retry", "0 0 1 1 *").setRetryPolicy(RetryPolicy.newBuilder().setMaxAttempts(3)
        .setInitialBackoff(Durations.fromMillis(100))));
    Run run = awaitRun(trigger("no-retry"), RunState.RUN_STATE_FAILED);
    assertThat(run.getAttemptCount()).isEqualTo(1);
    assertThat(run.getError().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT.value());
    assertThat(run.getError().getMessage()).contains("cutoff in the future");
  }

  @Test
  void aCallPastTheTaskTimeoutFailsWithDeadlineExceeded() {
    storage.delayMillis = 5_000;
    Task task = Tasks.archiveAt("timeout", "0 0 1 1 *").build();
    create(task.toBuilder().setTarget(task.getTarget().toBuilder().setTimeout(Durations.fromSeconds(1))));
    Run run = awaitRun(trigger("timeout"), RunState.RUN_STATE_FAILED);
    assertThat(run.getError().getCode()).isEqualTo(Status.Code.DEADLINE_EXCEEDED.value());
    long took = millis(run.getEndTime()) - millis(run.getStartTime());
    assertThat(took).isBetween(900L, 3_000L);
  }

  @Test
  void cancellingARunningRunCancelsItsCallAndNoRetryFollows() {
    storage.delayMillis = 15_000;
    create(Tasks.archiveAt("cancel", "0 0 1 1 *").setRetryPolicy(RetryPolicy.newBuilder().setMaxAttempts(3)));
    Run run = awaitRun(trigger("cancel"), RunState.RUN_STATE_RUNNING);
    Run cancelled = scheduler.api().cancelRun(CancelRunRequest.newBuilder().setTaskId("cancel")
        .setRunId(run.getRunId()).build()).getRun();
    assertThat(cancelled.getState()).isEqualTo(RunState.RUN_STATE_CANCELLED);
    await().atMost(Duration.ofSeconds(10)).until(() -> storage.cancelled.get() == 1);
    await().atMost(Duration.ofSeconds(10)).until(
        () -> executions(run).get(0).getState() == ExecutionState.EXECUTION_STATE_CANCELLED);
    assertThat(get(run).getState()).isEqualTo(RunState.RUN_STATE_CANCELLED);
    assertThat(storage.calls).hasSize(1);
  }

  @Test
  void forbidSkipsFiringsWhileARunIsInProgressAndRefusesAManualTrigger() {
    storage.delayMillis = 2_500;
    create(Tasks.archiveEvery("forbid", 1_000).setConcurrencyPolicy(ConcurrencyPolicy.CONCURRENCY_POLICY_FORBID));
    await().atMost(Duration.ofSeconds(20)).until(() -> runs("forbid").stream()
        .anyMatch(r -> r.getState() == RunState.RUN_STATE_SKIPPED));
    await().atMost(Duration.ofSeconds(5)).until(() -> runs("forbid").stream()
        .anyMatch(r -> r.getState() == RunState.RUN_STATE_RUNNING));
    assertThat(Status.fromThrowable(org.assertj.core.api.Assertions.catchThrowable(() -> trigger("forbid")))
        .getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION);
    // never two calls at once: each starts at least the call's duration after the one before
    List<FakeStorage.Call> calls = List.copyOf(storage.calls);
    for (int i = 1; i < calls.size(); i++) {
      assertThat(calls.get(i).receivedAtNanos() - calls.get(i - 1).receivedAtNanos())
          .isGreaterThanOrEqualTo(2_400_000_000L);
    }
  }

  @Test
  void allowStartsOverlappingRuns() {
    storage.delayMillis = 2_500;
    create(Tasks.archiveEvery("allow", 1_000).setConcurrencyPolicy(ConcurrencyPolicy.CONCURRENCY_POLICY_ALLOW));
    await().atMost(Duration.ofSeconds(20)).until(() -> runs("allow").stream()
        .filter(r -> r.getState() == RunState.RUN_STATE_RUNNING).count() >= 2);
    assertThat(runs("allow")).noneMatch(r -> r.getState() == RunState.RUN_STATE_SKIPPED);
  }
}
