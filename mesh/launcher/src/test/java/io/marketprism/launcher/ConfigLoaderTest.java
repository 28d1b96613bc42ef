package io.marketprism.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.marketprism.launcher.LauncherConfig.ServiceSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {

  @Test
  void missingFileMeansTheBuiltInDefaults(@TempDir Path directory) {
    LauncherConfig config = ConfigLoader.load(directory.resolve("marketprism.yaml"));

    assertThat(config.natsPort()).isEqualTo(14222);
    assertThat(config.natsMonitorPort()).isEqualTo(18222);
    assertThat(config.clickHouseHttpPort()).isEqualTo(18123);
    assertThat(config.clickHouseTcpPort()).isEqualTo(19000);
    assertThat(config.enabledServices())
        .extracting(ServiceSettings::name)
        .containsExactlyElementsOf(ServiceCatalog.names());
    ServiceSettings storage = service(config, "data-storage");
    assertThat(storage.grpcPort()).isEqualTo(7102);
    assertThat(storage.metricsPort()).isEqualTo(9102);
    assertThat(storage.jvmOptions()).containsExactly("-Xmx256m", "-XX:+UseSerialGC");
    assertThat(service(config, "api-gateway").extraPort()).hasValue(8080);
    assertThat(service(config, "control-plane").extraPort()).hasValue(7190);
    assertThat(service(config, "exchange-simulator").extraPort()).hasValue(7208);
    assertThat(storage.healthPort()).isEqualTo(7302);
    assertThat(config.mesh().enabled()).isTrue();
    assertThat(config.mesh().policyFile()).isEqualTo("mesh/deploy/mesh-policy.yaml");
    assertThat(config.mesh().certificateLifetime()).isEqualTo(Duration.ofHours(24));
  }

  @Test
  void meshSectionSetsModePolicyAndCertificateLifetime() {
    LauncherConfig config =
        ConfigLoader.parse(
            """
            mesh:
              enabled: false
              policy-file: /etc/marketprism/policy.yaml
              certificate-lifetime: 2h
            services:
              data-storage:
                health-port: 17302
            """,
            "marketprism.yaml");

    assertThat(config.mesh().enabled()).isFalse();
    assertThat(config.mesh().policyPath(Path.of("/repo")))
        .isEqualTo(Path.of("/etc/marketprism/policy.yaml"));
    assertThat(config.mesh().certificateLifetime()).isEqualTo(Duration.ofHours(2));
    assertThat(service(config, "data-storage").healthPort()).isEqualTo(17302);
  }

  @Test
  void certificateLifetimeMustBeADurationWithinBounds() {
    assertThatThrownBy(
            () -> ConfigLoader.parse("mesh:\n  certificate-lifetime: 30s\n", "marketprism.yaml"))
        .isInstanceOf(ConfigException.class)
        .hasMessage(
            "marketprism.yaml: 'mesh.certificate-lifetime' must be a duration from 1m to 30d,"
                + " e.g. 24h, got \"30s\"");
    assertThatThrownBy(
            () -> ConfigLoader.parse("mesh:\n  certificate-lifetime: soon\n", "marketprism.yaml"))
        .hasMessageContaining("'mesh.certificate-lifetime' must be a duration");
    assertThatThrownBy(() -> ConfigLoader.parse("mesh:\n  mtls: STRICT\n", "marketprism.yaml"))
        .hasMessageContaining("unknown key 'mesh.mtls'");
  }

  @Test
  void fileOverridesPortsAndJvmOptions(@TempDir Path directory) throws Exception {
    Path file =
        Files.writeString(
            directory.resolve("marketprism.yaml"),
            """
            nats:
              port: 24222
            jvm-options: [-Xmx128m]
            services:
              data-storage:
                grpc-port: 27102
                jvm-options: [-Xmx512m, -XX:+UseSerialGC]
                environment: {MARKETPRISM_LOG_LEVEL: debug}
              api-gateway:
                http-port: 18080
              scheduler:
                enabled: false
            """);

    LauncherConfig config = ConfigLoader.load(file);

    assertThat(config.natsPort()).isEqualTo(24222);
    assertThat(service(config, "data-storage").grpcPort()).isEqualTo(27102);
    assertThat(service(config, "data-storage").jvmOptions())
        .containsExactly("-Xmx512m", "-XX:+UseSerialGC");
    assertThat(service(config, "data-storage").environment())
        .containsEntry("MARKETPRISM_LOG_LEVEL", "debug");
    assertThat(service(config, "monitoring").jvmOptions()).containsExactly("-Xmx128m");
    assertThat(service(config, "api-gateway").extraPort()).hasValue(18080);
    assertThat(config.enabledServices())
        .extracting(ServiceSettings::name)
        .doesNotContain("scheduler");
  }

  @Test
  void portOutOfRangeNamesTheKey() {
    assertThatThrownBy(
            () ->
                ConfigLoader.parse(
                    "services:\n  data-storage:\n    grpc-port: 70000\n", "marketprism.yaml"))
        .isInstanceOf(ConfigException.class)
        .hasMessage(
            "marketprism.yaml: 'services.data-storage.grpc-port' must be a port number from 1 to"
                + " 65535, got 70000");
  }

  @Test
  void portThatIsNotANumberNamesTheKey() {
    assertThatThrownBy(
            () -> ConfigLoader.parse("clickhouse:\n  http-port: eighty\n", "marketprism.yaml"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("'clickhouse.http-port' must be a port number");
  }

  @Test
  void unknownKeyIsNamedWithWhatIsAllowed() {
    assertThatThrownBy(() -> ConfigLoader.parse("nats:\n  client-port: 4222\n", "marketprism.yaml"))
        .isInstanceOf(ConfigException.class)
        .hasMessage(
            "marketprism.yaml: unknown key 'nats.client-port' (allowed under 'nats': cluster-size,"
                + " monitor-port, port, route-port)");
  }

  @Test
  void unknownServiceIsNamed() {
    assertThatThrownBy(
            () ->
                ConfigLoader.parse(
                    "services:\n  storage:\n    grpc-port: 7102\n", "marketprism.yaml"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("unknown key 'services.storage'");
  }

  @Test
  void extraPortKeyBelongsOnlyToItsService() {
    assertThatThrownBy(
            () ->
                ConfigLoader.parse(
                    "services:\n  data-storage:\n    http-port: 8081\n", "marketprism.yaml"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("unknown key 'services.data-storage.http-port'");
  }

  @Test
  void jvmOptionsMustBeAList() {
    assertThatThrownBy(() -> ConfigLoader.parse("jvm-options: -Xmx1g\n", "marketprism.yaml"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("'jvm-options' must be a list of strings");
  }

  private static ServiceSettings service(LauncherConfig config, String name) {
    List<ServiceSettings> matches =
        config.services().stream().filter(service -> service.name().equals(name)).toList();
    assertThat(matches).hasSize(1);
    return matches.get(0);
  }
}
