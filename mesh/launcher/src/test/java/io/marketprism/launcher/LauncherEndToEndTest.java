package io.marketprism.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.marketprism.supervisor.GrpcHealthClient;
import io.marketprism.supervisor.Health;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.jar.JarFile;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs the real launcher against the real service modules' {@code target/} (the reactor packages
 * them first): {@code up --detach} in a temporary workspace on free ports — in the mesh, as by
 * default — {@code status --json}, {@code down}, and checks that no process is left.
 *
 * <p>Every service of the catalog must be built. While service modules are still being written, run
 * it with {@code -Dmarketprism.e2e.onlyBuiltServices=true} to exercise it with the services whose
 * main class exists.
 */
class LauncherEndToEndTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path directory;

  private Path workspace;
  private Path config;

  @AfterEach
  void stopWhateverIsLeft() {
    if (config != null) {
      CommandRun.run(workspace, config, "down");
    }
  }

  @Test
  void upDetachBringsEveryServiceToServingAndDownLeavesNoProcess() throws Exception {
    List<String> services = servicesToRun();
    workspace = directory.resolve("workspace");
    config = Files.writeString(directory.resolve("marketprism.yaml"), FreePortServices.config(services, Map.of()));

    CommandRun up = CommandRun.run(workspace, config, "up", "--detach");

    assertThat(up.exitCode()).as("up --detach printed:\n%s\n%s", up.out(), up.err()).isZero();
    RunState state = RunState.read(workspace.resolve("run/state.json")).orElseThrow();
    assertThat(state.phase()).isEqualTo(RunState.RUNNING);

    CommandRun status = CommandRun.run(workspace, config, "status", "--json");
    JsonNode json = JSON.readTree(status.out());
    assertThat(status.exitCode()).isZero();
    assertThat(names(json.get("services"))).containsExactlyElementsOf(services);
    assertThat(json.get("services").findValuesAsText("health")).containsOnly("SERVING");
    assertThat(json.get("infrastructure").findValuesAsText("health")).containsExactly("UP", "UP");
    // up runs the mesh by default: health is probed on plaintext health ports, the gRPC ports want
    // mTLS
    assertThat(json.get("mesh").get("enabled").asBoolean()).isTrue();
    for (JsonNode service : json.get("services")) {
      String name = service.get("name").asText();
      if (name.equals(ServiceCatalog.CONTROL_PLANE)) {
        continue;
      }
      assertThat(service.has("health_address")).as(name).isTrue();
      String[] address = service.get("address").asText().split(":");
      assertThat(
              GrpcHealthClient.checkOnce(
                  address[0], Integer.parseInt(address[1]), Duration.ofSeconds(2)))
          .as("plaintext health check on %s's mTLS port", name)
          .isEqualTo(Health.DOWN);
      assertThat(workspace.resolve("certs").resolve(name).resolve("cert.pem")).isRegularFile();
    }
    if (services.contains("api-gateway")) {
      assertThat(entry(json.get("services"), "api-gateway").get("http").asText())
          .startsWith("http://127.0.0.1:");
    }

    List<ProcessHandle> processes = new ArrayList<>();
    processes.add(ProcessHandle.of(state.supervisorPid()).orElseThrow());
    state
        .components()
        .forEach(component -> processes.add(ProcessHandle.of(component.pid()).orElseThrow()));
    assertThat(processes).hasSize(services.size() + 3).allMatch(ProcessHandle::isAlive);

    CommandRun down = CommandRun.run(workspace, config, "down");

    assertThat(down.exitCode()).as(down.err()).isZero();
    assertThat(processes).noneMatch(ProcessHandle::isAlive);
    assertThat(workspace.resolve("run/supervisor.pid")).doesNotExist();
    assertThat(RunState.read(workspace.resolve("run/state.json")).orElseThrow().phase())
        .isEqualTo(RunState.STOPPED);
    assertThat(workspace.resolve("clickhouse/data")).isDirectory();
  }

  /** Every catalog service, unless told to use only those already built. */
  private static List<String> servicesToRun() throws IOException {
    if (!Boolean.getBoolean("marketprism.e2e.onlyBuiltServices")) {
      List<String> unbuilt =
          ServiceCatalog.SERVICES.stream()
              .filter(service -> !isBuilt(service))
              .map(ServiceDefinition::moduleDir)
              .toList();
      assertThat(unbuilt)
          .as("service modules without a built main class (package them first)")
          .isEmpty();
      return ServiceCatalog.names();
    }
    return ServiceCatalog.SERVICES.stream()
        .filter(LauncherEndToEndTest::isBuilt)
        .map(ServiceDefinition::name)
        .toList();
  }

  private static boolean isBuilt(ServiceDefinition service) {
    Path target = CommandRun.repository().resolve(service.moduleDir()).resolve("target");
    Path jar = target.resolve(service.artifactId() + "-" + LauncherVersion.get() + ".jar");
    if (!Files.isRegularFile(jar) || !Files.isRegularFile(target.resolve("classpath.txt"))) {
      return false;
    }
    try (JarFile file = new JarFile(jar.toFile())) {
      return file.getEntry(service.mainClass().replace('.', '/') + ".class") != null;
    } catch (IOException e) {
      return false;
    }
  }

  private static List<String> names(JsonNode array) {
    return array.findValuesAsText("name");
  }

  private static JsonNode entry(JsonNode array, String name) {
    for (JsonNode element : array) {
      if (element.get("name").asText().equals(name)) {
        return element;
      }
    }
    throw new AssertionError("no " + name + " in " + array);
  }
}
