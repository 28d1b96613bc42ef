package io.marketprism.supervisor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.marketprism.supervisor.SupervisorEvent.Type;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SupervisorTest {

  private static final RestartPolicy FAST =
      new RestartPolicy(Duration.ofMillis(100), Duration.ofMillis(400), 3, Duration.ofSeconds(30));

  @TempDir Path directory;

  private final List<SupervisorEvent> events = new CopyOnWriteArrayList<>();

  @Test
  void restartsComponentsKilledWithSigkill() throws Exception {
    NatsServerProcess nats = TestProcesses.nats(directory.resolve("nats"));
    JavaServiceProcess service =
        TestProcesses.service("storage", HealthOnlyServiceMain.class, directory);
    try (Supervisor supervisor =
        Supervisor.builder()
            .add(nats)
            .add(service)
            .listener(events::add)
            .restartPolicy(FAST)
            .build()) {
      supervisor.start();
      long firstServicePid = service.process().orElseThrow().pid();
      long firstNatsPid = nats.process().orElseThrow().pid();

      ProcessHandle.of(firstServicePid).orElseThrow().destroyForcibly();
      ProcessHandle.of(firstNatsPid).orElseThrow().destroyForcibly();

      await()
          .atMost(Duration.ofSeconds(60))
          .until(
              () ->
                  typesOf("storage").stream().filter(Type.READY::equals).count() == 2
                      && typesOf("nats").stream().filter(Type.READY::equals).count() == 2);
      assertThat(service.process().orElseThrow().pid()).isNotEqualTo(firstServicePid);
      assertThat(nats.process().orElseThrow().pid()).isNotEqualTo(firstNatsPid);
      assertThat(GrpcHealthClient.checkOnce("127.0.0.1", service.grpcPort(), Duration.ofSeconds(2)))
          .isEqualTo(Health.SERVING);
    }
    assertThat(typesOf("storage"))
        .containsSubsequence(Type.READY, Type.CRASHED, Type.RESTARTING, Type.READY);
    assertThat(typesOf("nats"))
        .containsSubsequence(Type.READY, Type.CRASHED, Type.RESTARTING, Type.READY);
  }

  @Test
  void aServiceWithItsOwnHealthPortIsReadyWhenThatPortAnswersServing() throws Exception {
    List<Integer> ports = FreePorts.allocate(2);
    JavaServiceProcess service =
        JavaServiceProcess.builder("mesh-service", ports.get(0))
            .classpath(JavaServiceProcess.Classpath.of(System.getProperty("java.class.path")))
            .mainClass(HealthOnlyServiceMain.class.getName())
            .jvmOptions(List.of("-Xmx64m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1"))
            .environment(
                java.util.Map.of(
                    "MARKETPRISM_GRPC_PORT", ports.get(0).toString(),
                    "MARKETPRISM_MESH_HEALTH_PORT", ports.get(1).toString()))
            .healthPort(ports.get(1))
            .logFile(directory.resolve("mesh-service.log"))
            .readyTimeout(Duration.ofSeconds(30))
            .stopGrace(Duration.ofSeconds(5))
            .build();
    try (Supervisor supervisor = Supervisor.builder().add(service).build()) {
      supervisor.start();

      assertThat(service.isReady()).isTrue();
      // the gRPC port has no health service: only the health port can have made it ready
      assertThat(GrpcHealthClient.checkOnce("127.0.0.1", ports.get(0), Duration.ofSeconds(2)))
          .isEqualTo(Health.UNKNOWN);
    }
  }

  @Test
  void stopsEverythingInReverseStartOrderAndLeavesNoProcess() throws Exception {
    NatsServerProcess nats = TestProcesses.nats(directory.resolve("nats"));
    JavaServiceProcess service =
        TestProcesses.service("storage", HealthOnlyServiceMain.class, directory);
    Supervisor supervisor =
        Supervisor.builder().add(nats).add(service).listener(events::add).build();
    supervisor.start();
    List<ProcessHandle> handles =
        List.of(
            nats.process().orElseThrow().toHandle(), service.process().orElseThrow().toHandle());

    supervisor.stop();

    assertThat(handles).noneMatch(ProcessHandle::isAlive);
    assertThat(
            events.stream()
                .filter(event -> event.type() == Type.STOPPING)
                .map(SupervisorEvent::component))
        .containsExactly("storage", "nats");
    assertThat(service.lastLogLines(5))
        .contains("health-only service serving on " + service.grpcPort());
  }

  @Test
  void givesUpOnAComponentThatKeepsFailingToStart() {
    JavaServiceProcess broken =
        TestProcesses.service("broken", ExitingServiceMain.class, directory);
    Supervisor supervisor =
        Supervisor.builder().add(broken).listener(events::add).restartPolicy(FAST).build();

    assertThatThrownBy(supervisor::start)
        .isInstanceOfSatisfying(
            ComponentStartException.class,
            e -> {
              assertThat(e.component()).isEqualTo("broken");
              assertThat(e.getMessage())
                  .contains("failed to start 3 times; giving up")
                  .contains("exited with code 3");
              assertThat(e.logTail()).contains("cannot start: configuration is broken on purpose");
            });
    assertThat(typesOf("broken"))
        .containsSubsequence(
            Type.STARTING,
            Type.CRASHED,
            Type.RESTARTING,
            Type.CRASHED,
            Type.RESTARTING,
            Type.CRASHED,
            Type.GAVE_UP);
    supervisor.stop();
  }

  @Test
  void portConflictStopsStartBeforeAnyProcessIsLaunched() throws Exception {
    NatsServerProcess nats = TestProcesses.nats(directory.resolve("nats"));
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      JavaServiceProcess service =
          JavaServiceProcess.builder("storage", taken.getLocalPort())
              .classpath(JavaServiceProcess.Classpath.of(System.getProperty("java.class.path")))
              .mainClass(HealthOnlyServiceMain.class.getName())
              .logFile(directory.resolve("storage.log"))
              .build();
      Supervisor supervisor =
          Supervisor.builder().add(nats).add(service).listener(events::add).build();

      assertThatThrownBy(supervisor::start)
          .isInstanceOf(PortConflictException.class)
          .hasMessageContaining(
              "port " + taken.getLocalPort() + " (storage gRPC) is already in use");
      assertThat(nats.isRunning()).isFalse();
      assertThat(events).isEmpty();
    }
  }

  private List<Type> typesOf(String component) {
    return events.stream()
        .filter(event -> event.component().equals(component))
        .map(SupervisorEvent::type)
        .toList();
  }
}
