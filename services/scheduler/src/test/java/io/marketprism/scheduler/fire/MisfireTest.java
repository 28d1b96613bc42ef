package io.marketprism.scheduler.fire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.util.Timestamps;
import static io.marketprism.scheduler.FireTimes.catchUps;
import static io.marketprism.scheduler.FireTimes.secondsMissing;

import io.marketprism.scheduler.FakeStorage;
import io.marketprism.scheduler.SchedulerFixture;
import io.marketprism.scheduler.Tasks;
import io.marketprism.scheduler.v1.ConcurrencyPolicy;
import io.marketprism.scheduler.v1.CreateTaskRequest;
import io.marketprism.scheduler.v1.ListRunsRequest;
import io.marketprism.scheduler.v1.MisfirePolicy;
import io.marketprism.scheduler.v1.Run;
import io.marketprism.testkit.NatsServer;
import io.marketprism.testkit.WithNats;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Firings missed while no scheduler ran: one replica fires 1 s tasks, stops, and another starts 3.5 s later on the
 * same store; each task's misfire policy decides what is made up.
 */
@WithNats
class MisfireTest {

  static NatsServer natsServer;

  @Test
  void missedFiringsAreMadeUpAllOnceOrNotAtAllByPolicy() throws Exception {
    String prefix = SchedulerFixture.uniquePrefix();
    try (FakeStorage storage = new FakeStorage()) {
      long downFrom;
      long downUntil;
      try (SchedulerFixture first = SchedulerFixture.start(natsServer, prefix, storage.address())) {
        for (MisfirePolicy policy : List.of(MisfirePolicy.MISFIRE_POLICY_FIRE_ALL,
            MisfirePolicy.MISFIRE_POLICY_FIRE_ONCE, MisfirePolicy.MISFIRE_POLICY_SKIP)) {
          first.api().createTask(CreateTaskRequest.newBuilder().setTask(Tasks.archiveEvery(id(policy), 1_000)
              .setMisfirePolicy(policy).setConcurrencyPolicy(ConcurrencyPolicy.CONCURRENCY_POLICY_ALLOW)).build());
        }
        await().atMost(Duration.ofSeconds(15)).until(() -> runs(first, id(MisfirePolicy.MISFIRE_POLICY_SKIP)).size() >= 2);
      }
      downFrom = System.currentTimeMillis();
      Thread.sleep(3_500);
      try (SchedulerFixture second = SchedulerFixture.start(natsServer, prefix, storage.address())) {
        downUntil = System.currentTimeMillis();
        await().atMost(Duration.ofSeconds(15)).until(
            () -> runs(second, id(MisfirePolicy.MISFIRE_POLICY_SKIP)).stream()
                .anyMatch(r -> Timestamps.toMillis(r.getFireTime()) > downUntil + 1_000));

        List<Run> all = runs(second, id(MisfirePolicy.MISFIRE_POLICY_FIRE_ALL));
        List<Run> once = runs(second, id(MisfirePolicy.MISFIRE_POLICY_FIRE_ONCE));
        List<Run> skip = runs(second, id(MisfirePolicy.MISFIRE_POLICY_SKIP));
        assertThat(catchUps(all)).hasSizeBetween(3, 8);
        assertThat(catchUps(once)).hasSize(1);
        assertThat(catchUps(skip)).isEmpty();
        // FIRE_ALL leaves no whole second unfired from its first firing to its last
        assertThat(secondsMissing(all)).isEmpty();
        // SKIP leaves the downtime's seconds out
        assertThat(secondsMissing(skip)).hasSizeGreaterThanOrEqualTo(2);
        assertThat(downUntil - downFrom).isGreaterThanOrEqualTo(3_500);
      }
    }
  }

  private static String id(MisfirePolicy policy) {
    return "misfire-" + policy.name().substring("MISFIRE_POLICY_".length()).toLowerCase().replace('_', '-');
  }

  private static List<Run> runs(SchedulerFixture scheduler, String taskId) {
    return scheduler.api().listRuns(ListRunsRequest.newBuilder().setTaskId(taskId).setPageSize(1000).build())
        .getRunsList();
  }
}
