package io.marketprism.scheduler.fire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.util.Durations;
import com.google.protobuf.util.Timestamps;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import io.marketprism.scheduler.FakeStorage;
import io.marketprism.scheduler.SchedulerFixture;
import io.marketprism.scheduler.SchedulerMain;
import io.marketprism.scheduler.Tasks;
import io.marketprism.scheduler.invoke.TaskPublisher;
import io.marketprism.scheduler.v1.ConcurrencyPolicy;
import io.marketprism.scheduler.v1.CreateTaskRequest;
import io.marketprism.scheduler.v1.ListRunsRequest;
import io.marketprism.scheduler.v1.MisfirePolicy;
import io.marketprism.scheduler.v1.NatsPublish;
import io.marketprism.scheduler.v1.Run;
import io.marketprism.scheduler.v1.RunState;
import io.marketprism.scheduler.v1.Schedule;
import io.marketprism.scheduler.v1.SchedulerServiceGrpc;
import io.marketprism.scheduler.v1.Target;
import io.marketprism.scheduler.v1.Task;
import io.marketprism.testkit.NatsServer;
import io.marketprism.testkit.WithNats;
import io.nats.client.Connection;
import io.nats.client.Message;
import io.nats.client.Nats;
import io.nats.client.Subscription;
import io.nats.client.api.StorageType;
import io.nats.client.api.StreamConfiguration;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Two scheduler replicas as separate JVM processes on one store; the leader is SIGKILLed while two 1 s tasks run, one
 * calling an RPC and one publishing to JetStream. The stand-in storage sees each call's fire time (the task sets
 * {@code cutoff_time_ns} to it); a plain NATS subscription sees every publish, including copies the stream would drop
 * as duplicates, with its fire time header.
 */
@WithNats
class LeaderFailoverTest {

  static NatsServer natsServer;

  @Test
  void killingTheLeaderUnderAOneSecondTaskNeitherDoublesNorMissesAFiring() throws Exception {
    String prefix = SchedulerFixture.uniquePrefix();
    Path logs = Files.createTempDirectory("scheduler-failover");
    try (FakeStorage storage = new FakeStorage();
        Connection nats = Nats.connect(natsServer.url())) {
      String subject = "beacon." + prefix;
      nats.jetStreamManagement().addStream(StreamConfiguration.builder().name(prefix.toUpperCase().replace('-', '_'))
          .subjects(subject).storageType(StorageType.Memory).build());
      Subscription published = nats.subscribe(subject);
      Map<String, Replica> replicas = new HashMap<>();
      for (String name : List.of("replica-a", "replica-b")) {
        replicas.put(name, Replica.launch(name, SchedulerFixture.environment(natsServer.url(), prefix,
            storage.address()), logs));
      }
      try {
        replicas.values().forEach(Replica::awaitServing);
        replicas.get("replica-a").api().createTask(CreateTaskRequest.newBuilder().setTask(
            Tasks.archiveEvery("heartbeat", 1_000).setMisfirePolicy(MisfirePolicy.MISFIRE_POLICY_FIRE_ALL)
                .setConcurrencyPolicy(ConcurrencyPolicy.CONCURRENCY_POLICY_ALLOW)).build());
        replicas.get("replica-a").api().createTask(CreateTaskRequest.newBuilder().setTask(Task.newBuilder()
            .setTaskId("beacon").setSchedule(Schedule.newBuilder().setInterval(Durations.fromSeconds(1)))
            .setMisfirePolicy(MisfirePolicy.MISFIRE_POLICY_FIRE_ALL)
            .setConcurrencyPolicy(ConcurrencyPolicy.CONCURRENCY_POLICY_ALLOW)
            .setTarget(Target.newBuilder().setNatsPublish(NatsPublish.newBuilder().setSubject(subject)))).build());
        await().atMost(Duration.ofSeconds(20)).until(() -> storage.calls.size() >= 3);

        String leader = new String(nats.keyValue(prefix + "-lease").get("leader").getValue(),
            StandardCharsets.UTF_8).split(" ")[0];
        Replica killed = replicas.remove(leader);
        Replica survivor = replicas.values().iterator().next();
        killed.process.destroyForcibly().waitFor(10, TimeUnit.SECONDS); // SIGKILL: no lease release, no cleanup
        long end = java.time.Instant.now().getEpochSecond() + 3;
        await().atMost(Duration.ofSeconds(60)).until(
            () -> storage.calls.stream().anyMatch(c -> c.cutoffTimeNs() / 1_000_000_000L > end));
        long first = storage.calls.stream().mapToLong(c -> c.cutoffTimeNs() / 1_000_000_000L).min().orElseThrow();
        // the survivor may still be calling the last seconds' runs on this loaded machine: wait until only the
        // killed leader's leftovers are unfinished
        await().atMost(Duration.ofSeconds(60)).until(() -> runsUpTo(survivor, end).stream()
            .filter(r -> r.getState() == RunState.RUN_STATE_PENDING || r.getState() == RunState.RUN_STATE_RUNNING)
            .count() <= 1);

        List<Run> runs = runsUpTo(survivor, end);
        Map<Long, Long> callsPerSecond = storage.calls.stream().collect(Collectors.groupingBy(
            c -> c.cutoffTimeNs() / 1_000_000_000L, TreeMap::new, Collectors.counting()));
        // no double fire: the target saw every fire time at most once
        assertThat(callsPerSecond.values()).allMatch(count -> count == 1);
        // no missed fire: every second from the first firing to the end has its run...
        Set<Long> runSeconds = runs.stream().map(r -> Timestamps.toSeconds(r.getFireTime())).collect(Collectors.toSet());
        for (long s = first; s <= end; s++) {
          assertThat(runSeconds).as("second %d has a run", s).contains(s);
        }
        // ...and its call: the new leader resumed the runs the killed one had recorded but not called. The one
        // exception allowed: a run the killed leader had claimed (RUNNING) in its last instant, whose call may or
        // may not have left the process.
        List<Run> uncalled = runs.stream()
            .filter(r -> !callsPerSecond.containsKey(Timestamps.toSeconds(r.getFireTime()))).toList();
        assertThat(uncalled).as("runs without a call: %s", uncalled).hasSizeLessThanOrEqualTo(1)
            .allMatch(r -> r.getState() == RunState.RUN_STATE_RUNNING);
        assertThat(runs).allMatch(r -> r.getRunId().endsWith("s"));

        // the publish task: each fire time published at most once, none missed but the one allowed above
        Map<Long, Long> publishesPerSecond = new TreeMap<>();
        // read until the publishes are two seconds past the end: the catch-up of the failover came before those
        for (Message message = published.nextMessage(Duration.ofSeconds(10)); message != null;
            message = published.nextMessage(Duration.ofSeconds(10))) {
          long second = Long.parseLong(message.getHeaders().getFirst(TaskPublisher.FIRE_TIME_HEADER)) / 1_000_000_000L;
          publishesPerSecond.merge(second, 1L, Long::sum);
          if (second > end + 2) {
            break;
          }
        }
        assertThat(publishesPerSecond.values()).allMatch(count -> count == 1);
        long firstPublished = publishesPerSecond.keySet().iterator().next();
        List<Long> unpublished = new java.util.ArrayList<>();
        for (long s = firstPublished; s <= end; s++) {
          if (!publishesPerSecond.containsKey(s)) {
            unpublished.add(s);
          }
        }
        assertThat(unpublished).as("seconds without a publish").hasSizeLessThanOrEqualTo(1);
      } finally {
        for (Replica replica : replicas.values()) {
          replica.close();
        }
      }
    }
  }

  private static List<Run> runsUpTo(Replica replica, long endSecond) {
    return replica.api().listRuns(ListRunsRequest.newBuilder().setTaskId("heartbeat").setPageSize(1000).build())
        .getRunsList().stream().filter(r -> Timestamps.toSeconds(r.getFireTime()) <= endSecond).toList();
  }

  /** A scheduler in a JVM of its own. */
  private record Replica(Process process, ManagedChannel channel) implements AutoCloseable {

    static Replica launch(String name, Map<String, String> environment, Path logs) throws Exception {
      int port;
      try (ServerSocket socket = new ServerSocket(0)) {
        port = socket.getLocalPort();
      }
      String java = ProcessHandle.current().info().command().orElse("java");
      ProcessBuilder builder = new ProcessBuilder(java, "-Xmx256m", "-cp", System.getProperty("java.class.path"),
          SchedulerMain.class.getName());
      builder.environment().putAll(environment);
      builder.environment().put("MARKETPRISM_GRPC_PORT", Integer.toString(port));
      builder.environment().put("MARKETPRISM_LEADER_INSTANCE_ID", name);
      builder.redirectErrorStream(true).redirectOutput(logs.resolve(name + ".log").toFile());
      return new Replica(builder.start(),
          ManagedChannelBuilder.forAddress("127.0.0.1", port).usePlaintext().build());
    }

    void awaitServing() {
      var health = HealthGrpc.newBlockingStub(channel);
      await().atMost(Duration.ofSeconds(180)).ignoreExceptions().until(() -> health
          .withDeadlineAfter(2, TimeUnit.SECONDS)
          .check(HealthCheckRequest.getDefaultInstance()).getStatus() == ServingStatus.SERVING);
    }

    SchedulerServiceGrpc.SchedulerServiceBlockingStub api() {
      return SchedulerServiceGrpc.newBlockingStub(channel).withDeadlineAfter(30, TimeUnit.SECONDS);
    }

    @Override
    public void close() throws InterruptedException {
      channel.shutdownNow();
      process.destroy();
      if (!process.waitFor(15, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    }
  }
}
