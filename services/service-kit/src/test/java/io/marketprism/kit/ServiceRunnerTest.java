package io.marketprism.kit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import io.marketprism.kit.config.ConfigException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ServiceRunnerTest {

  @TempDir Path dir;

  @Test
  void configFileComesFromTheArgumentThenTheEnvironment() {
    Map<String, String> env = Map.of("MARKETPRISM_CONFIG", "/from/env.yaml");

    assertThat(ServiceRunner.configFile(new String[] {"--config", "/a.yaml"}, env)).isEqualTo(Path.of("/a.yaml"));
    assertThat(ServiceRunner.configFile(new String[] {"--config=/b.yaml"}, env)).isEqualTo(Path.of("/b.yaml"));
    assertThat(ServiceRunner.configFile(new String[0], env)).isEqualTo(Path.of("/from/env.yaml"));
    assertThat(ServiceRunner.configFile(new String[0], Map.of())).isNull();
  }

  @Test
  void unknownArgumentIsAConfigurationError() {
    assertThatThrownBy(() -> ServiceRunner.configFile(new String[] {"--port", "1"}, Map.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessage("invalid configuration: unknown argument --port (the only argument is --config <file>)");
    assertThatThrownBy(() -> ServiceRunner.configFile(new String[] {"--config"}, Map.of()))
        .hasMessage("invalid configuration: --config needs a file path");
  }

  @Test
  void invalidEnvironmentStopsStartWithTheKeyAndVariable() {
    assertThatThrownBy(
            () -> ServiceRunner.start(new TestServices.EchoService(), new String[0], Map.of("MARKETPRISM_GRPC_PORT", "70000")))
        .isInstanceOf(ConfigException.class)
        .hasMessage(
            "invalid configuration: grpc.port: must be between 0 and 65535 (was 70000)"
                + " [environment variable MARKETPRISM_GRPC_PORT]");
  }

  @Test
  void startsFromTheConfigFileNamedByTheEnvironment() throws Exception {
    Path file = dir.resolve("echo.yaml");
    Files.writeString(file, "grpc:\n  port: 0\n  shutdown-grace: 1s\nmetrics:\n  enabled: false\n");

    RunningService running =
        ServiceRunner.start(new TestServices.EchoService(), new String[0], Map.of("MARKETPRISM_CONFIG", file.toString()));
    ManagedChannel channel =
        Grpc.newChannelBuilderForAddress("127.0.0.1", running.grpcAddress().getPort(), InsecureChannelCredentials.create())
            .build();
    try {
      assertThat(HealthGrpc.newBlockingStub(channel).check(HealthCheckRequest.getDefaultInstance()).getStatus())
          .isEqualTo(ServingStatus.SERVING);
      assertThat(running.metricsAddress()).isEmpty();
    } finally {
      channel.shutdownNow();
      running.stop();
    }
  }
}
