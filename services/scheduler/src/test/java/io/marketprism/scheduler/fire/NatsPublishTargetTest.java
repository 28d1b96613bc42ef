package io.marketprism.scheduler.fire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.ByteString;
import com.google.protobuf.util.Durations;
import com.google.protobuf.util.Timestamps;
import io.marketprism.scheduler.FakeStorage;
import io.marketprism.scheduler.SchedulerFixture;
import io.marketprism.scheduler.v1.ConcurrencyPolicy;
import io.marketprism.scheduler.v1.CreateTaskRequest;
import io.marketprism.scheduler.v1.Execution;
import io.marketprism.scheduler.v1.ExecutionState;
import io.marketprism.scheduler.v1.ListExecutionsRequest;
import io.marketprism.scheduler.v1.ListRunsRequest;
import io.marketprism.scheduler.v1.NatsPublish;
import io.marketprism.scheduler.v1.Run;
import io.marketprism.scheduler.v1.RunState;
import io.marketprism.scheduler.v1.Schedule;
import io.marketprism.scheduler.v1.Target;
import io.marketprism.scheduler.v1.Task;
import io.marketprism.testkit.NatsServer;
import io.marketprism.testkit.WithNats;
import io.nats.client.Connection;
import io.nats.client.JetStreamManagement;
import io.nats.client.Nats;
import io.nats.client.api.MessageInfo;
import io.nats.client.api.StorageType;
import io.nats.client.api.StreamConfiguration;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** A task whose target is a JetStream publish: one stored message per run, with the run's identity in its headers. */
@WithNats
class NatsPublishTargetTest {

  static NatsServer natsServer;

  @Test
  void publishTargetStoresOneMessagePerFireOnItsSubject() throws Exception {
    String prefix = SchedulerFixture.uniquePrefix();
    String stream = prefix.replace('-', '_').toUpperCase() + "_TICKS";
    String subject = "ticks." + prefix + ".heartbeat";
    try (Connection nats = Nats.connect(natsServer.url());
        FakeStorage unused = new FakeStorage();
        SchedulerFixture scheduler = SchedulerFixture.start(natsServer, prefix, unused.address())) {
      JetStreamManagement jsm = nats.jetStreamManagement();
      jsm.addStream(StreamConfiguration.builder().name(stream).subjects("ticks." + prefix + ".>")
          .storageType(StorageType.Memory).duplicateWindow(Duration.ofMinutes(2)).build());
      scheduler.api().createTask(CreateTaskRequest.newBuilder().setTask(Task.newBuilder().setTaskId("heartbeat")
          .setSchedule(Schedule.newBuilder().setInterval(Durations.fromSeconds(1)))
          .setConcurrencyPolicy(ConcurrencyPolicy.CONCURRENCY_POLICY_ALLOW)
          .setTarget(Target.newBuilder().setTimeout(Durations.fromSeconds(5)).setNatsPublish(NatsPublish.newBuilder()
              .setSubject(subject).setPayload(ByteString.copyFromUtf8("{\"beat\":true}"))
              .putHeaders("Origin", "scheduler-test")))).build());

      await().atMost(Duration.ofSeconds(20)).until(() -> succeeded(scheduler).size() >= 4);
      List<Run> runs = succeeded(scheduler);
      // every run's message is stored by the time its run is recorded SUCCEEDED plus the publisher's ack
      await().atMost(Duration.ofSeconds(10))
          .until(() -> jsm.getStreamInfo(stream).getStreamState().getMsgCount() >= runs.size());

      List<MessageInfo> stored = new ArrayList<>();
      long last = jsm.getStreamInfo(stream).getStreamState().getLastSequence();
      for (long seq = 1; seq <= last; seq++) {
        stored.add(jsm.getMessage(stream, seq));
      }
      Map<String, MessageInfo> byId = stored.stream().collect(Collectors.toMap(
          m -> m.getHeaders().getFirst("Nats-Msg-Id"), Function.identity()));
      assertThat(byId).as("one message per message id").hasSize(stored.size());
      for (Run run : runs) {
        MessageInfo message = byId.get("heartbeat." + run.getRunId());
        assertThat(message).as("message of run %s", run.getRunId()).isNotNull();
        assertThat(message.getSubject()).isEqualTo(subject);
        assertThat(new String(message.getData(), StandardCharsets.UTF_8)).isEqualTo("{\"beat\":true}");
        assertThat(message.getHeaders().getFirst("Origin")).isEqualTo("scheduler-test");
        assertThat(message.getHeaders().getFirst("Marketprism-Fire-Time-Ns"))
            .isEqualTo(Long.toString(Timestamps.toNanos(run.getFireTime())));
        List<Execution> executions = scheduler.api().listExecutions(ListExecutionsRequest.newBuilder()
            .setTaskId("heartbeat").setRunId(run.getRunId()).build()).getExecutionsList();
        assertThat(executions).singleElement().satisfies(e -> {
          assertThat(e.getState()).isEqualTo(ExecutionState.EXECUTION_STATE_SUCCEEDED);
          assertThat(e.hasResponse()).isFalse();
        });
      }
      // no message without a run: each stored id names a run of the task
      List<String> runIds = scheduler.api().listRuns(ListRunsRequest.newBuilder().setTaskId("heartbeat")
          .setPageSize(1000).build()).getRunsList().stream().map(r -> "heartbeat." + r.getRunId()).toList();
      assertThat(runIds).containsAll(byId.keySet());
    }
  }

  private static List<Run> succeeded(SchedulerFixture scheduler) {
    return scheduler.api().listRuns(ListRunsRequest.newBuilder().setTaskId("heartbeat").setPageSize(1000)
        .addStates(RunState.RUN_STATE_SUCCEEDED).build()).getRunsList();
  }
}
