package io.marketprism.kit.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {

  @TempDir Path dir;

  @Test
  void noFileGivesTheDefaults() {
    ServiceConfig config = ConfigLoader.load(ServiceConfig.class, null, Map.of());

    assertThat(config.grpc().host()).isEqualTo("127.0.0.1");
    assertThat(config.grpc().port()).isZero();
    assertThat(config.grpc().shutdownGrace()).isEqualTo(Duration.ofSeconds(10));
    assertThat(config.grpc().drainDelay()).isZero();
    assertThat(config.metrics().enabled()).isTrue();
    assertThat(config.peers()).isEmpty();
  }

  @Test
  void fileValuesReplaceDefaultsAndKeepTheOthers() throws IOException {
    Path file = write("grpc:\n  port: 7102\n  shutdown-grace: 500ms\nmetrics:\n  enabled: false\n");

    ServiceConfig config = ConfigLoader.load(ServiceConfig.class, file, Map.of());

    assertThat(config.grpc().port()).isEqualTo(7102);
    assertThat(config.grpc().shutdownGrace()).isEqualTo(Duration.ofMillis(500));
    assertThat(config.grpc().host()).isEqualTo("127.0.0.1");
    assertThat(config.metrics().enabled()).isFalse();
  }

  @Test
  void environmentOverridesBeatTheFile() throws IOException {
    Path file = write("grpc:\n  port: 7102\n  shutdown-grace: 10s\n");

    ServiceConfig config =
        ConfigLoader.load(
            ServiceConfig.class,
            file,
            Map.of(
                "MARKETPRISM_GRPC_PORT", "7202",
                "MARKETPRISM_GRPC_SHUTDOWN_GRACE", "5s",
                "MARKETPRISM_GRPC_HOST", "0.0.0.0",
                "MARKETPRISM_METRICS_PORT", "9102"));

    assertThat(config.grpc().port()).isEqualTo(7202);
    assertThat(config.grpc().shutdownGrace()).isEqualTo(Duration.ofSeconds(5));
    assertThat(config.grpc().host()).isEqualTo("0.0.0.0");
    assertThat(config.metrics().port()).isEqualTo(9102);
  }

  @Test
  void environmentVariablesMatchingNoKeyAreIgnored() {
    ServiceConfig config =
        ConfigLoader.load(
            ServiceConfig.class,
            null,
            Map.of(
                "MARKETPRISM_CONFIG", "/etc/marketprism/storage.yaml",
                "MARKETPRISM_LOG_FORMAT", "text",
                "MARKETPRISM_GRPC_PROT", "1",
                "PATH", "/usr/bin"));

    assertThat(config.grpc().port()).isZero();
  }

  @Test
  void unknownKeyInTheFileIsRejected() throws IOException {
    Path file = write("grpc:\n  prot: 7102\n");

    assertThatThrownBy(() -> ConfigLoader.load(ServiceConfig.class, file, Map.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessage("invalid configuration: unknown key grpc.prot [file " + file + "]");
  }

  @Test
  void unknownSectionInTheFileIsRejected() throws IOException {
    Path file = write("grcp:\n  port: 7102\n");

    assertThatThrownBy(() -> ConfigLoader.load(ServiceConfig.class, file, Map.of()))
        .hasMessageStartingWith("invalid configuration: unknown key grcp ");
  }

  @Test
  void outOfRangePortInTheFileNamesKeyReasonAndFile() throws IOException {
    Path file = write("grpc:\n  port: 70000\n");

    assertThatThrownBy(() -> ConfigLoader.load(ServiceConfig.class, file, Map.of()))
        .hasMessage(
            "invalid configuration: grpc.port: must be between 0 and 65535 (was 70000) [file " + file + "]");
  }

  @Test
  void outOfRangePortFromTheEnvironmentNamesTheVariable() throws IOException {
    Path file = write("grpc:\n  port: 7102\n");

    assertThatThrownBy(
            () -> ConfigLoader.load(ServiceConfig.class, file, Map.of("MARKETPRISM_GRPC_PORT", "70000")))
        .hasMessage(
            "invalid configuration: grpc.port: must be between 0 and 65535 (was 70000)"
                + " [environment variable MARKETPRISM_GRPC_PORT]");
  }

  @Test
  void unparsableDurationFromTheEnvironmentNamesKeyAndVariable() {
    assertThatThrownBy(
            () ->
                ConfigLoader.load(
                    ServiceConfig.class, null, Map.of("MARKETPRISM_GRPC_SHUTDOWN_GRACE", "ten seconds")))
        .hasMessageStartingWith(
            "invalid configuration: grpc.shutdown-grace: cannot parse \"ten seconds\" as a duration")
        .hasMessageEndingWith("[environment variable MARKETPRISM_GRPC_SHUTDOWN_GRACE]");
  }

  @Test
  void bareNumberIsNotADuration() throws IOException {
    Path file = write("grpc:\n  shutdown-grace: 10\n");

    assertThatThrownBy(() -> ConfigLoader.load(ServiceConfig.class, file, Map.of()))
        .hasMessageStartingWith("invalid configuration: grpc.shutdown-grace: cannot parse \"10\" as a duration");
  }

  @Test
  void wrongTypeNamesTheKey() throws IOException {
    Path file = write("metrics:\n  port: nine\n");

    assertThatThrownBy(() -> ConfigLoader.load(ServiceConfig.class, file, Map.of()))
        .hasMessage("invalid configuration: metrics.port: cannot parse \"nine\" as an integer [file " + file + "]");
  }

  @Test
  void scalarWhereASectionBelongsIsRejected() throws IOException {
    Path file = write("grpc: 7102\n");

    assertThatThrownBy(() -> ConfigLoader.load(ServiceConfig.class, file, Map.of()))
        .hasMessageStartingWith("invalid configuration: grpc: ");
  }

  @Test
  void yamlSyntaxErrorNamesFileAndLine() throws IOException {
    Path file = write("grpc:\n  port: [7102\n");

    assertThatThrownBy(() -> ConfigLoader.load(ServiceConfig.class, file, Map.of()))
        .hasMessageStartingWith("invalid configuration: file " + file + " line ");
  }

  @Test
  void missingFileIsReported() {
    Path missing = dir.resolve("nope.yaml");

    assertThatThrownBy(() -> ConfigLoader.load(ServiceConfig.class, missing, Map.of()))
        .hasMessage("invalid configuration: config file " + missing + " does not exist or is not a file");
  }

  @Test
  void emptyFileMeansDefaults() throws IOException {
    assertThat(ConfigLoader.load(ServiceConfig.class, write(""), Map.of()).grpc().port()).isZero();
  }

  @Test
  void everyViolationIsReportedInKeyOrder() throws IOException {
    Path file = write("grpc:\n  port: -1\n  host: ''\n");

    assertThatThrownBy(() -> ConfigLoader.load(ServiceConfig.class, file, Map.of()))
        .hasMessage(
            "invalid configuration: grpc.host: must not be blank (was \"\") [file " + file + "]; "
                + "grpc.port: must be between 0 and 65535 (was -1) [file " + file + "]");
  }

  @Test
  void peersComeFromTheFileAndTheEnvironment() throws IOException {
    Path file = write("peers:\n  data-storage: 127.0.0.1:7102\n");

    ServiceConfig config =
        ConfigLoader.load(
            ServiceConfig.class, file, Map.of("MARKETPRISM_PEERS_MESSAGE_BROKER", "127.0.0.1:7103"));

    assertThat(config.peers())
        .containsExactlyInAnyOrderEntriesOf(
            Map.of("data-storage", "127.0.0.1:7102", "message-broker", "127.0.0.1:7103"));
  }

  @Test
  void malformedPeerAddressNamesThePeer() {
    assertThatThrownBy(
            () -> ConfigLoader.load(ServiceConfig.class, null, Map.of("MARKETPRISM_PEERS_DATA_STORAGE", "nowhere")))
        .hasMessage(
            "invalid configuration: peers.data-storage: must be host:port (was \"nowhere\")"
                + " [environment variable MARKETPRISM_PEERS_DATA_STORAGE]");
  }

  @Test
  void subclassConfigGetsTheSameBindingOverridesAndValidation() throws IOException {
    Path file = write("clickhouse:\n  batch-size: 5000\nnats:\n  url: nats://10.0.0.1:4222\n");

    StorageLikeConfig config =
        ConfigLoader.load(
            StorageLikeConfig.class,
            file,
            Map.of(
                "MARKETPRISM_CLICKHOUSE_FLUSH_INTERVAL", "250ms",
                "MARKETPRISM_NATS_SUBJECTS", "md.trade.>, md.book.>"));

    assertThat(config.grpc().port()).as("the subclass's default port").isEqualTo(7102);
    assertThat(config.clickhouse().batchSize()).isEqualTo(5000);
    assertThat(config.clickhouse().url()).isEqualTo("jdbc:clickhouse://127.0.0.1:8123/marketprism");
    assertThat(config.clickhouse().flushInterval()).isEqualTo(Duration.ofMillis(250));
    assertThat(config.nats().url()).isEqualTo("nats://10.0.0.1:4222");
    assertThat(config.nats().subjects()).isEqualTo(List.of("md.trade.>", "md.book.>"));

    assertThatThrownBy(
            () -> ConfigLoader.load(StorageLikeConfig.class, file, Map.of("MARKETPRISM_CLICKHOUSE_BATCH_SIZE", "0")))
        .hasMessage(
            "invalid configuration: clickhouse.batch-size: must be greater than 0 (was 0)"
                + " [environment variable MARKETPRISM_CLICKHOUSE_BATCH_SIZE]");
    assertThatThrownBy(() -> ConfigLoader.load(StorageLikeConfig.class, write("clickhouse:\n  uri: x\n"), Map.of()))
        .hasMessageStartingWith("invalid configuration: unknown key clickhouse.uri ");
  }

  @Test
  void subclassDefaultPortSurvivesAFileThatSetsOnlyTheHost() throws IOException {
    StorageLikeConfig config = ConfigLoader.load(StorageLikeConfig.class, write("grpc:\n  host: 0.0.0.0\n"), Map.of());

    assertThat(config.grpc().port()).isEqualTo(7102);
    assertThat(config.grpc().host()).isEqualTo("0.0.0.0");
  }

  private Path write(String yaml) throws IOException {
    Path file = Files.createTempFile(dir, "config", ".yaml");
    Files.writeString(file, yaml);
    return file;
  }
}
