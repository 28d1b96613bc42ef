package io.marketprism.launcher.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The runner with a stand-in for Maven (a shell script), so no benchmark runs. */
class MavenBenchmarkRunnerTest {
  private static final BenchmarkSpec SPEC =
      BenchmarkSpec.of("services/demo", "DemoBenchmark", Duration.ofSeconds(10), Duration.ofSeconds(5));

  @TempDir Path repository;

  @Test
  void aBenchmarkThatFailsIsReportedAsFailedWithItsCause() throws Exception {
    MavenBenchmarkRunner runner = runner("""
        echo "[INFO] Running DemoBenchmark"
        echo "[ERROR]   DemoBenchmark.run:42 IllegalStateException: shed during the benchmark"
        exit 1
        """, true);

    BenchmarkOutcome outcome = runner.run(SPEC, Duration.ofMinutes(1));

    assertThat(outcome.status()).isEqualTo(BenchmarkOutcome.Status.FAILED);
    assertThat(outcome.reason()).isEqualTo("exit code 1: IllegalStateException: shed during the benchmark");
    assertThat(Files.readString(runner.logFile(SPEC))).contains("Running DemoBenchmark");
  }

  @Test
  void aBenchmarkThatPassesBringsItsRowsAndGetsTheQuickFlag() throws Exception {
    MavenBenchmarkRunner runner = runner("""
        mkdir -p services/demo/target/benchmark-results
        echo "$@" > args.txt
        echo '{"benchmark":"DemoBenchmark","id":"a","what":"w","figure":1.5,"unit":"x","quick":true}' \
          > services/demo/target/benchmark-results/DemoBenchmark.jsonl
        """, true);

    BenchmarkOutcome outcome = runner.run(SPEC, Duration.ofMinutes(1));

    assertThat(outcome.status()).isEqualTo(BenchmarkOutcome.Status.PASSED);
    assertThat(outcome.rows()).extracting(ResultRow::figure).containsExactly(1.5);
    assertThat(Files.readString(repository.resolve("args.txt")))
        .contains("-pl services/demo test -Dtest=DemoBenchmark")
        .contains("-Dmarketprism.bench.quick=true");
  }

  @Test
  void rowsOfAnEarlierRunDoNotPassForThisOne() throws Exception {
    MavenBenchmarkRunner runner = runner("exit 0\n", false);
    Files.createDirectories(runner.resultFile(SPEC).getParent());
    Files.writeString(runner.resultFile(SPEC),
        "{\"benchmark\":\"DemoBenchmark\",\"id\":\"a\",\"what\":\"w\",\"figure\":1,\"unit\":\"x\"}\n");

    BenchmarkOutcome outcome = runner.run(SPEC, Duration.ofMinutes(1));

    assertThat(outcome.status()).isEqualTo(BenchmarkOutcome.Status.FAILED);
    assertThat(outcome.reason()).startsWith("finished without recording a row");
  }

  @Test
  void aBenchmarkOverItsTimeLimitIsStoppedAndFailed() throws Exception {
    MavenBenchmarkRunner runner = runner("sleep 30\n", true);

    BenchmarkOutcome outcome = runner.run(SPEC, Duration.ofMillis(500));

    assertThat(outcome.status()).isEqualTo(BenchmarkOutcome.Status.FAILED);
    assertThat(outcome.reason()).startsWith("stopped after");
    assertThat(outcome.elapsed()).isLessThan(Duration.ofSeconds(20));
  }

  private MavenBenchmarkRunner runner(String script, boolean quick) throws Exception {
    Path maven = repository.resolve("fake-mvn");
    Files.writeString(maven, "#!/bin/sh\n" + script);
    Files.setPosixFilePermissions(maven, PosixFilePermissions.fromString("rwx------"));
    return new MavenBenchmarkRunner(repository, List.of(maven.toString()), repository.resolve("logs"), quick);
  }
}
