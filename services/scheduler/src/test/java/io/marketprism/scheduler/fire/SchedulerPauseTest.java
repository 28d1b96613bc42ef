package io.marketprism.scheduler.fire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.util.Durations;
import com.google.protobuf.util.Timestamps;
import static io.marketprism.scheduler.FireTimes.catchUps;
import static io.marketprism.scheduler.FireTimes.secondsMissing;

import io.marketprism.scheduler.FakeStorage;
import io.marketprism.scheduler.SchedulerFixture;
import io.marketprism.scheduler.Tasks;
import io.marketprism.scheduler.v1.ConcurrencyPolicy;
import io.marketprism.scheduler.v1.CreateTaskRequest;
import io.marketprism.scheduler.v1.GetSchedulerStatusRequest;
import io.marketprism.scheduler.v1.ListRunsRequest;
import io.marketprism.scheduler.v1.MisfirePolicy;
import io.marketprism.scheduler.v1.PauseSchedulerRequest;
import io.marketprism.scheduler.v1.PauseTaskRequest;
import io.marketprism.scheduler.v1.ResumeSchedulerRequest;
import io.marketprism.scheduler.v1.Run;
import io.marketprism.scheduler.v1.SchedulerStatus;
import io.marketprism.testkit.NatsServer;
import io.marketprism.testkit.WithNats;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * PauseScheduler holds every task's scheduled firing, also across a restart that hands the lease to another instance;
 * ResumeScheduler continues, each task's misfire policy deciding what is made up of the pause.
 */
@WithNats
class SchedulerPauseTest {

  private static final List<MisfirePolicy> POLICIES = List.of(MisfirePolicy.MISFIRE_POLICY_FIRE_ALL,
      MisfirePolicy.MISFIRE_POLICY_FIRE_ONCE, MisfirePolicy.MISFIRE_POLICY_SKIP);

  static NatsServer natsServer;

  @Test
  void pauseHoldsEveryFiringAcrossARestartAndResumeAppliesTheMisfirePolicy() throws Exception {
    String prefix = SchedulerFixture.uniquePrefix();
    try (FakeStorage storage = new FakeStorage()) {
      long pausedAt;
      long heldUntil;
      try (SchedulerFixture first = SchedulerFixture.start(natsServer, prefix, storage.address())) {
        for (MisfirePolicy policy : POLICIES) {
          first.api().createTask(CreateTaskRequest.newBuilder().setTask(Tasks.archiveEvery(id(policy), 1_000)
              .setMisfirePolicy(policy).setConcurrencyPolicy(ConcurrencyPolicy.CONCURRENCY_POLICY_ALLOW)).build());
        }
        first.api().createTask(CreateTaskRequest.newBuilder().setTask(Tasks.archiveAt("nightly", "30 0 * * *"))
            .build());
        first.api().pauseTask(PauseTaskRequest.newBuilder().setTaskId("nightly").build());
        await().atMost(Duration.ofSeconds(15)).until(() -> runs(first, id(MisfirePolicy.MISFIRE_POLICY_SKIP)).size() >= 2);
        SchedulerStatus running = status(first);
        assertThat(running.getPaused()).isFalse();
        assertThat(running.getLeaderInstance()).isNotEmpty();
        assertThat(running.getTaskCount()).isEqualTo(4);
        assertThat(running.getEnabledTaskCount()).isEqualTo(3);
        assertThat(running.getPausedTaskCount()).isEqualTo(1);
        assertThat(running.hasNextFireTime()).isTrue();

        SchedulerStatus paused = first.api().pauseScheduler(PauseSchedulerRequest.newBuilder()
            .setReason("ClickHouse upgrade").build()).getStatus();
        pausedAt = Timestamps.toMillis(paused.getPauseTime());
        assertThat(paused.getPaused()).isTrue();
        assertThat(paused.getPausedBy()).isEqualTo("anonymous");
        assertThat(paused.getPauseReason()).isEqualTo("ClickHouse upgrade");
        assertThat(paused.hasNextFireTime()).isFalse();
        // a second pause keeps the first one's record
        assertThat(first.api().pauseScheduler(PauseSchedulerRequest.newBuilder().setReason("again").build())
            .getStatus().getPauseReason()).isEqualTo("ClickHouse upgrade");
        Thread.sleep(1_500);
      }
      // another instance takes over while paused: the pause is in the store, so it does not fire either
      try (SchedulerFixture second = SchedulerFixture.start(natsServer, prefix, storage.address())) {
        await().atMost(Duration.ofSeconds(10)).until(() -> !status(second).getLeaderInstance().isEmpty());
        Thread.sleep(2_000);
        SchedulerStatus held = status(second);
        assertThat(held.getPaused()).isTrue();
        assertThat(Durations.toMillis(held.getLag())).isGreaterThan(1_000);
        for (MisfirePolicy policy : POLICIES) {
          // a firing already under way when the pause arrived may finish; nothing later starts
          assertThat(runs(second, id(policy))).allSatisfy(run ->
              assertThat(Timestamps.toMillis(run.getFireTime())).isLessThan(pausedAt + 1_000));
        }
        heldUntil = System.currentTimeMillis();
        assertThat(heldUntil - pausedAt).isGreaterThanOrEqualTo(3_500);

        SchedulerStatus resumed = second.api().resumeScheduler(ResumeSchedulerRequest.getDefaultInstance())
            .getStatus();
        assertThat(resumed.getPaused()).isFalse();
        assertThat(resumed.getPausedBy()).isEmpty();
        await().atMost(Duration.ofSeconds(15)).until(
            () -> runs(second, id(MisfirePolicy.MISFIRE_POLICY_SKIP)).stream()
                .anyMatch(r -> Timestamps.toMillis(r.getFireTime()) > heldUntil + 1_000));
        await().atMost(Duration.ofSeconds(10)).until(() -> Durations.toMillis(status(second).getLag()) < 1_000);

        List<Run> all = runs(second, id(MisfirePolicy.MISFIRE_POLICY_FIRE_ALL));
        List<Run> once = runs(second, id(MisfirePolicy.MISFIRE_POLICY_FIRE_ONCE));
        List<Run> skip = runs(second, id(MisfirePolicy.MISFIRE_POLICY_SKIP));
        assertThat(catchUps(all)).hasSizeGreaterThanOrEqualTo(3);
        assertThat(secondsMissing(all)).as("FIRE_ALL makes up every second of the pause").isEmpty();
        assertThat(catchUps(once)).hasSize(1);
        assertThat(catchUps(skip)).isEmpty();
        assertThat(secondsMissing(skip)).hasSizeGreaterThanOrEqualTo(3);
        // the per-task pause still holds after the whole scheduler resumes
        assertThat(runs(second, "nightly")).isEmpty();
      }
    }
  }

  private static SchedulerStatus status(SchedulerFixture scheduler) {
    return scheduler.api().getSchedulerStatus(GetSchedulerStatusRequest.getDefaultInstance()).getStatus();
  }

  private static String id(MisfirePolicy policy) {
    return "paused-" + policy.name().substring("MISFIRE_POLICY_".length()).toLowerCase().replace('_', '-');
  }

  private static List<Run> runs(SchedulerFixture scheduler, String taskId) {
    return scheduler.api().listRuns(ListRunsRequest.newBuilder().setTaskId(taskId).setPageSize(1000).build())
        .getRunsList();
  }
}
