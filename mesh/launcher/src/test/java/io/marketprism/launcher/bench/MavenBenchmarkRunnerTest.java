package io.marketprism.launcher.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The runner with a stand-in for Maven (a shell script printing what surefire prints), so no benchmark runs. */
class MavenBenchmarkRunnerTest {
  private static final BenchmarkSpec DEMO =
      BenchmarkSpec.of("services/demo", "DemoBenchmark", Duration.ofSeconds(10), Duration.ofSeconds(5));
  private static final BenchmarkSpec OTHER =
      BenchmarkSpec.of("services/other", "OtherBenchmark", Duration.ofSeconds(10), Duration.ofSeconds(5));
  private static final String ROW =
      "{\"benchmark\":\"%s\",\"id\":\"a\",\"what\":\"w\",\"figure\":1.5,\"unit\":\"x\",\"quick\":true}";

  @TempDir Path repository;
  private final List<String> progress = new ArrayList<>();

  @Test
  void aFailingBenchmarkIsReportedAsFailedWithItsCauseAndTheNextStillRuns() throws Exception {
    MavenBenchmarkRunner runner = runner("""
        echo "[INFO] Running io.marketprism.demo.DemoBenchmark"
        echo "[ERROR] Tests run: 1, Failures: 0, Errors: 1, Skipped: 0, Time elapsed: 0.5 s <<< FAILURE! -- in io.marketprism.demo.DemoBenchmark"
        echo "[ERROR] io.marketprism.demo.DemoBenchmark.run -- Time elapsed: 0.4 s  <<< ERROR!"
        echo "java.lang.IllegalStateException: shed during the benchmark"
        echo "	at io.marketprism.demo.DemoBenchmark.run(DemoBenchmark.java:42)"
        echo "[INFO] Running io.marketprism.other.OtherBenchmark"
        %s
        echo "[INFO] Tests run: 1, Failures: 0, Errors: 0, Skipped: 0, Time elapsed: 0.1 s -- in io.marketprism.other.OtherBenchmark"
        """.formatted(writeRow(OTHER)), true);

    List<BenchmarkOutcome> outcomes = runner.run(List.of(DEMO, OTHER), Duration.ofMinutes(1), recorder());

    assertThat(outcomes.get(0).status()).isEqualTo(BenchmarkOutcome.Status.FAILED);
    assertThat(outcomes.get(0).reason()).isEqualTo("java.lang.IllegalStateException: shed during the benchmark");
    assertThat(outcomes.get(1).status()).isEqualTo(BenchmarkOutcome.Status.PASSED);
    assertThat(outcomes.get(1).rows()).extracting(row -> row.figure()).containsExactly(1.5);
    assertThat(progress).containsExactly("started DemoBenchmark", "FAILED DemoBenchmark", "started OtherBenchmark",
        "PASSED OtherBenchmark");
    assertThat(Files.readString(repository.resolve("maven.log"))).contains("shed during the benchmark");
  }

  @Test
  void oneMavenRunOverTheModulesWithTheQuickFlag() throws Exception {
    MavenBenchmarkRunner runner = runner("echo \"$@\" > args.txt\n", true);

    runner.run(List.of(DEMO, OTHER), Duration.ofMinutes(1), recorder());

    assertThat(Files.readString(repository.resolve("args.txt")))
        .contains("-fae -pl services/demo,services/other test -Dtest=DemoBenchmark,OtherBenchmark")
        .contains("-Dmaven.test.failure.ignore=true")
        .contains("-Dmarketprism.bench.quick=true");
  }

  @Test
  void aModuleThatDoesNotBuildFailsItsBenchmarksWithTheCause() throws Exception {
    Files.createDirectories(repository.resolve("services/demo"));
    Files.writeString(repository.resolve("services/demo/pom.xml"),
        "<project><parent><artifactId>p</artifactId></parent><artifactId>marketprism-demo</artifactId></project>");
    MavenBenchmarkRunner runner = runner("""
        echo "[ERROR] Failed to execute goal org.apache.maven.plugins:maven-compiler-plugin:3.13.0:testCompile (default-testCompile) on project marketprism-demo: Compilation failure"
        exit 1
        """, true);

    List<BenchmarkOutcome> outcomes = runner.run(List.of(DEMO, OTHER), Duration.ofMinutes(1), recorder());

    assertThat(outcomes.get(0).reason()).isEqualTo("did not run: Compilation failure");
    assertThat(outcomes.get(1).reason()).isEqualTo("did not run: Maven exited with 1; see maven.log");
  }

  @Test
  void rowsOfAnEarlierRunDoNotPassForThisOne() throws Exception {
    MavenBenchmarkRunner runner = runner("""
        echo "[INFO] Running io.marketprism.demo.DemoBenchmark"
        echo "[INFO] Tests run: 1, Failures: 0, Errors: 0, Skipped: 1, Time elapsed: 0.1 s -- in io.marketprism.demo.DemoBenchmark"
        """, false);
    Files.createDirectories(runner.resultFile(DEMO).getParent());
    Files.writeString(runner.resultFile(DEMO), ROW.formatted("DemoBenchmark") + "\n");

    BenchmarkOutcome outcome = runner.run(List.of(DEMO), Duration.ofMinutes(1), recorder()).get(0);

    assertThat(outcome.status()).isEqualTo(BenchmarkOutcome.Status.FAILED);
    assertThat(outcome.reason()).startsWith("finished without recording a row");
  }

  @Test
  void rowsThatCannotBeReadFailTheBenchmarkNotTheRun() throws Exception {
    MavenBenchmarkRunner runner = runner("""
        echo "[INFO] Running io.marketprism.demo.DemoBenchmark"
        mkdir -p services/demo/target/benchmark-results
        echo 'not json' > services/demo/target/benchmark-results/DemoBenchmark.jsonl
        echo "[INFO] Tests run: 1, Failures: 0, Errors: 0, Skipped: 0, Time elapsed: 0.1 s -- in io.marketprism.demo.DemoBenchmark"
        """, true);

    BenchmarkOutcome outcome = runner.run(List.of(DEMO), Duration.ofMinutes(1), recorder()).get(0);

    assertThat(outcome.status()).isEqualTo(BenchmarkOutcome.Status.FAILED);
    assertThat(outcome.reason()).startsWith("unreadable results: ").contains("DemoBenchmark.jsonl:1");
  }

  @Test
  void aBenchmarkOverItsTimeLimitIsStoppedAndTheRestReportedAsNotRun() throws Exception {
    MavenBenchmarkRunner runner = runner("""
        echo "[INFO] Running io.marketprism.demo.DemoBenchmark"
        sleep 30
        """, true);

    long start = System.nanoTime();
    List<BenchmarkOutcome> outcomes = runner.run(List.of(DEMO, OTHER), Duration.ofSeconds(1), recorder());

    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(20));
    assertThat(outcomes.get(0).reason()).startsWith("stopped after");
    assertThat(outcomes.get(1).reason()).isEqualTo("did not run: the run was stopped at DemoBenchmark's time limit");
  }

  private static String writeRow(BenchmarkSpec spec) {
    String directory = spec.module() + "/target/benchmark-results";
    return "mkdir -p " + directory + " && echo '" + ROW.formatted(spec.className()) + "' > " + directory + "/"
        + spec.className() + ".jsonl";
  }

  private MavenBenchmarkRunner.Progress recorder() {
    return new MavenBenchmarkRunner.Progress() {
      @Override
      public void started(BenchmarkSpec spec) {
        progress.add("started " + spec.className());
      }

      @Override
      public void finished(BenchmarkOutcome outcome) {
        progress.add(outcome.status() + " " + outcome.spec().className());
      }
    };
  }

  private MavenBenchmarkRunner runner(String script, boolean quick) throws Exception {
    Path maven = repository.resolve("fake-mvn");
    Files.writeString(maven, "#!/bin/bash\n" + script);
    Files.setPosixFilePermissions(maven, PosixFilePermissions.fromString("rwx------"));
    return new MavenBenchmarkRunner(repository, List.of(maven.toString()), repository.resolve("maven.log"), quick);
  }
}
