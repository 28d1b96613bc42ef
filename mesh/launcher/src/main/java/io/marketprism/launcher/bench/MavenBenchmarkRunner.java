package io.marketprism.launcher.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs one benchmark as the modules' docs do, through surefire in its module ({@code mvn -pl <module> test
 * -Dtest=<Benchmark>}), its output in a log file, and reads the rows it recorded. A failure (exit code, timeout, no
 * rows) is an outcome, not an exception: the next benchmark still runs.
 */
public final class MavenBenchmarkRunner {
  private final Path repository;
  private final List<String> maven;
  private final Path logDirectory;
  private final boolean quick;

  /**
   * @param maven the Maven command and its leading arguments (e.g. {@code mvn}, or a wrapper from {@code $MVN})
   * @param logDirectory where each benchmark's output goes, one file per benchmark
   */
  public MavenBenchmarkRunner(Path repository, List<String> maven, Path logDirectory, boolean quick) {
    this.repository = repository;
    this.maven = List.copyOf(maven);
    this.logDirectory = logDirectory;
    this.quick = quick;
  }

  /** The command that runs {@code spec}. */
  public List<String> command(BenchmarkSpec spec) {
    List<String> command = new ArrayList<>(maven);
    command.addAll(List.of("-B", "-o", "-pl", spec.module(), "test", "-Dtest=" + spec.className(),
        "-Dsurefire.failIfNoSpecifiedTests=false",
        // the control plane's benchmarks only run when asked for
        "-Dbenchmark=true",
        "-Dmarketprism.bench.quick=" + quick));
    return command;
  }

  /** Where {@code spec}'s rows are written. */
  public Path resultFile(BenchmarkSpec spec) {
    return repository.resolve(spec.module()).resolve("target/benchmark-results").resolve(spec.className() + ".jsonl");
  }

  /** Where {@code spec}'s output goes. */
  public Path logFile(BenchmarkSpec spec) {
    return logDirectory.resolve(spec.className() + ".log");
  }

  /** Runs {@code spec}, at most {@code limit}. */
  public BenchmarkOutcome run(BenchmarkSpec spec, Duration limit) throws IOException, InterruptedException {
    Files.createDirectories(logDirectory);
    Files.deleteIfExists(resultFile(spec)); // rows of an earlier run must not pass for this one's
    Path log = logFile(spec);
    long start = System.nanoTime();
    Process process = new ProcessBuilder(command(spec))
        .directory(repository.toFile())
        .redirectErrorStream(true)
        .redirectOutput(log.toFile())
        .start();
    boolean finished = process.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS);
    if (!finished) {
      process.descendants().forEach(ProcessHandle::destroy);
      process.destroy();
      process.waitFor(30, TimeUnit.SECONDS);
      process.descendants().forEach(ProcessHandle::destroyForcibly);
      process.destroyForcibly();
    }
    Duration elapsed = Duration.ofNanos(System.nanoTime() - start);
    List<ResultRow> rows = ResultRow.read(resultFile(spec));
    return FailureReason.of(finished, finished ? process.exitValue() : -1, limit, rows, log)
        .map(reason -> new BenchmarkOutcome(spec, BenchmarkOutcome.Status.FAILED, reason, elapsed, rows))
        .orElseGet(() -> new BenchmarkOutcome(spec, BenchmarkOutcome.Status.PASSED, null, elapsed, rows));
  }
}
