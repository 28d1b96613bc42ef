package io.marketprism.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bench} end to end in a throw-away repository, with a stand-in for Maven that prints what surefire prints:
 * one benchmark records a row, one fails, the rest record nothing. No benchmark runs.
 */
class BenchCommandTest {
  private static final String PROSE = """
      # Benchmarks

      Readings by hand that the command must keep.

      <!-- bench:begin -->
      an older run
      <!-- bench:end -->

      ## History
      """;

  @TempDir Path repository;

  @Test
  void writesTheReportBetweenTheMarkersListsTheFailureAndExitsNonZero() throws Exception {
    Files.createDirectories(repository.resolve("docs"));
    Files.writeString(repository.resolve("docs/benchmarks.md"), PROSE);
    Path maven = repository.resolve("fake-mvn");
    Files.writeString(maven, """
        #!/bin/bash
        d=control-plane/target/benchmark-results
        echo "[INFO] Running io.marketprism.controlplane.bench.UnaryCallBenchmark"
        mkdir -p $d && echo '{"benchmark":"UnaryCallBenchmark","id":"x","what":"unary calls, xDS vs direct",\
        "figure":4750,"unit":"calls/s","baseline":4878,"baselineWhat":"direct calls/s","ratio":0.974,\
        "goal":"ratio ≥ 0.95","met":true,"quick":true}' > $d/UnaryCallBenchmark.jsonl
        echo "[INFO] Tests run: 1, Failures: 0, Errors: 0, Skipped: 0, Time elapsed: 1 s -- in io.marketprism.controlplane.bench.UnaryCallBenchmark"
        echo "[INFO] Running io.marketprism.storage.bench.IngestBenchmark"
        echo "[ERROR] Tests run: 1, Failures: 0, Errors: 1, Skipped: 0, Time elapsed: 1 s <<< FAILURE! -- in io.marketprism.storage.bench.IngestBenchmark"
        echo "[ERROR] io.marketprism.storage.bench.IngestBenchmark.run -- Time elapsed: 1 s  <<< ERROR!"
        echo "java.lang.IllegalStateException: publisher shed at 7"
        """);
    Files.setPosixFilePermissions(maven, PosixFilePermissions.fromString("rwx------"));
    StringWriter out = new StringWriter();
    picocli.CommandLine commandLine = MarketPrismCommand.commandLine();
    commandLine.setOut(new PrintWriter(out, true));
    commandLine.setErr(new PrintWriter(out, true));

    int exitCode = commandLine.execute("bench", "--quick", "--maven", maven.toString(), "--root",
        repository.toString(), "--workspace", repository.resolve("ws").toString());

    assertThat(exitCode).isEqualTo(1);
    assertThat(out.toString())
        .contains("control-plane UnaryCallBenchmark: running (ETA")
        .contains("control-plane UnaryCallBenchmark: passed in")
        .contains("services/data-storage IngestBenchmark: failed in")
        .contains("ConsoleMemoryBenchmark: skipped in quick mode");
    String page = Files.readString(repository.resolve("docs/benchmarks.md"));
    assertThat(page)
        .startsWith("# Benchmarks\n\nReadings by hand that the command must keep.\n\n<!-- bench:begin -->\n")
        .endsWith("<!-- bench:end -->\n\n## History\n")
        .doesNotContain("an older run")
        .contains("commit `unknown`")
        .contains("| UnaryCallBenchmark | unary calls, xDS vs direct | 4,750 calls/s | 4,878 direct calls/s | 0.97× |"
            + " ratio ≥ 0.95 | met |")
        .contains("**failed**: `IngestBenchmark` (services/data-storage)")
        .contains("java.lang.IllegalStateException: publisher shed at 7")
        .contains("**failed**: `GatewayBenchmark` (services/api-gateway)")
        .contains("did not run: Maven exited with 0")
        .contains("skipped: `ConsoleMemoryBenchmark` (mesh/launcher): not run in quick mode");
  }
}
