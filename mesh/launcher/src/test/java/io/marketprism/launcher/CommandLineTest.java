package io.marketprism.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CommandLineTest {

  @TempDir Path directory;

  @Test
  void badPortInConfigFailsNamingTheKey() throws Exception {
    Path config =
        Files.writeString(directory.resolve("marketprism.yaml"), "nats:\n  monitor-port: 0\n");

    CommandRun run = CommandRun.run(directory.resolve("ws"), config, "up", "--detach");

    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.err())
        .contains(
            "marketprism: marketprism.yaml: 'nats.monitor-port' must be a port number from 1 to"
                + " 65535, got 0");
  }

  @Test
  void portConflictFailsBeforeAnythingStarts() throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      Path config =
          Files.writeString(
              directory.resolve("marketprism.yaml"),
              "clickhouse:\n  tcp-port: " + taken.getLocalPort() + "\n" + allServicesDisabled());

      CommandRun run = CommandRun.run(directory.resolve("ws"), config, "up", "--detach");

      assertThat(run.exitCode()).isEqualTo(1);
      assertThat(run.err())
          .contains(
              "port "
                  + taken.getLocalPort()
                  + " (clickhouse native TCP) is already in use by another process; to use another"
                  + " port, set clickhouse.tcp-port in marketprism.yaml");
      assertThat(directory.resolve("ws/run/supervisor.pid")).doesNotExist();
    }
  }

  @Test
  void logsRefusesAnUnknownComponent() {
    CommandRun run =
        CommandRun.run(directory.resolve("ws"), directory.resolve("none.yaml"), "logs", "storage");

    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.err()).contains("unknown component 'storage'").contains("data-storage");
  }

  @Test
  void logsPrintsTheLastLinesOfAComponentLog() throws Exception {
    Path logs = Files.createDirectories(directory.resolve("ws/logs"));
    Files.writeString(logs.resolve("nats.log"), "one\ntwo\nthree\n");

    CommandRun run =
        CommandRun.run(
            directory.resolve("ws"), directory.resolve("none.yaml"), "logs", "nats", "-n", "2");

    assertThat(run.exitCode()).isZero();
    assertThat(run.out().lines()).containsExactly("two", "three");
  }

  @Test
  void downWhenNothingRunsSaysSo() {
    CommandRun run =
        CommandRun.run(directory.resolve("ws"), directory.resolve("none.yaml"), "down");

    assertThat(run.exitCode()).isZero();
    assertThat(run.out()).contains("MarketPrism is not running.");
  }

  @Test
  void unknownOptionIsAUsageError() {
    CommandRun run =
        CommandRun.run(directory.resolve("ws"), directory.resolve("none.yaml"), "up", "--detatch");

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err()).contains("Unknown option: '--detatch'");
  }

  static String allServicesDisabled() {
    StringBuilder yaml = new StringBuilder("services:\n");
    ServiceCatalog.names()
        .forEach(name -> yaml.append("  ").append(name).append(": {enabled: false}\n"));
    return yaml.toString();
  }
}
