package io.marketprism.launcher.bench;

import io.marketprism.testkit.bench.BenchmarkResults;
import io.marketprism.testkit.bench.BenchmarkRow;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Runs benchmarks as the modules' docs do, through surefire ({@code mvn -pl <modules> test -Dtest=<Benchmarks>}),
 * in one Maven run — Maven's own start and each module's up-to-date checks cost half a minute a time on this
 * machine — and follows its output to tell when each starts and ends. A failed benchmark, a module that does not
 * build, a benchmark over its time limit or one that records no rows is an outcome, not an exception: the others
 * still run ({@code -fae}, {@code -Dmaven.test.failure.ignore}).
 */
public final class MavenBenchmarkRunner {

  /** Told as benchmarks start and end, in the order Maven runs them. */
  public interface Progress {
    void started(BenchmarkSpec spec);

    void finished(BenchmarkOutcome outcome);
  }

  private static final Pattern ARTIFACT_ID =
      Pattern.compile("</parent>.*?<artifactId>([^<]+)</artifactId>", Pattern.DOTALL);

  private final Path repository;
  private final List<String> maven;
  private final Path log;
  private final boolean quick;

  /**
   * @param maven the Maven command and its leading arguments (e.g. {@code mvn}, or a wrapper from {@code $MVN})
   * @param log where Maven's whole output goes
   */
  public MavenBenchmarkRunner(Path repository, List<String> maven, Path log, boolean quick) {
    this.repository = repository;
    this.maven = List.copyOf(maven);
    this.log = log;
    this.quick = quick;
  }

  /** The command that runs {@code specs}. */
  public List<String> command(List<BenchmarkSpec> specs) {
    List<String> command = new ArrayList<>(maven);
    command.addAll(List.of("-B", "-o", "-fae", "-pl",
        String.join(",", specs.stream().map(BenchmarkSpec::module).distinct().toList()), "test",
        "-Dtest=" + String.join(",", specs.stream().map(BenchmarkSpec::className).toList()),
        "-Dsurefire.failIfNoSpecifiedTests=false",
        "-Dmaven.test.failure.ignore=true",
        // the control plane's benchmarks only run when asked for
        "-Dbenchmark=true",
        "-Dmarketprism.bench.quick=" + quick));
    return command;
  }

  /** Where {@code spec}'s rows are written. */
  public Path resultFile(BenchmarkSpec spec) {
    return repository.resolve(spec.module()).resolve(BenchmarkResults.DIRECTORY).resolve(spec.className() + ".jsonl");
  }

  /** Runs {@code specs}, each at most {@code limitEach} once it has started; outcomes in the order of specs. */
  public List<BenchmarkOutcome> run(List<BenchmarkSpec> specs, Duration limitEach, Progress progress)
      throws IOException, InterruptedException {
    for (BenchmarkSpec spec : specs) {
      Files.deleteIfExists(resultFile(spec)); // rows of an earlier run must not pass for this one's
    }
    Files.createDirectories(log.toAbsolutePath().getParent());
    Map<String, BenchmarkSpec> byName = new LinkedHashMap<>();
    specs.forEach(spec -> byName.put(spec.className(), spec));
    Tracker tracker = new Tracker(byName, limitEach, progress);
    Process process = new ProcessBuilder(command(specs))
        .directory(repository.toFile())
        .redirectErrorStream(true)
        .start();
    process.getOutputStream().close();
    ScheduledExecutorService watchdog = Executors.newSingleThreadScheduledExecutor(runnable -> {
      Thread thread = new Thread(runnable, "bench-watchdog");
      thread.setDaemon(true);
      return thread;
    });
    watchdog.scheduleAtFixedRate(() -> {
      if (tracker.overLimit()) {
        stop(process);
      }
    }, 1, 1, TimeUnit.SECONDS);
    SurefireOutput output = new SurefireOutput();
    try (BufferedReader lines = new BufferedReader(new InputStreamReader(process.getInputStream(),
            StandardCharsets.UTF_8));
        Writer logWriter = Files.newBufferedWriter(log, StandardCharsets.UTF_8)) {
      String line;
      while ((line = lines.readLine()) != null) {
        logWriter.write(line);
        logWriter.write('\n');
        output.accept(line).ifPresent(tracker::on);
      }
    } finally {
      watchdog.shutdownNow();
    }
    int exitCode = process.waitFor();
    Map<String, String> moduleFailures = new HashMap<>();
    tracker.moduleFailures.forEach((artifactId, cause) -> specs.stream()
        .filter(spec -> artifactId.equals(artifactId(spec.module())))
        .forEach(spec -> moduleFailures.put(spec.className(), cause)));
    List<BenchmarkOutcome> outcomes = new ArrayList<>();
    for (BenchmarkSpec spec : specs) {
      outcomes.add(tracker.outcome(spec, exitCode, moduleFailures.get(spec.className())));
    }
    return outcomes;
  }

  private static void stop(Process process) {
    process.descendants().forEach(ProcessHandle::destroy);
    process.destroy();
  }

  /** The module's artifactId, from its pom (Maven names the project by it when its build fails). */
  private String artifactId(String module) {
    try {
      Matcher matcher = ARTIFACT_ID.matcher(Files.readString(repository.resolve(module).resolve("pom.xml")));
      return matcher.find() ? matcher.group(1) : module;
    } catch (IOException e) {
      return module;
    }
  }

  /** What the output has said so far about each benchmark; read by the watchdog too. */
  private final class Tracker {
    private final Map<String, BenchmarkSpec> byName;
    private final Duration limitEach;
    private final Progress progress;
    private final Map<String, Long> startedAt = new HashMap<>();
    private final Map<String, Duration> elapsed = new HashMap<>();
    private final Map<String, String> failures = new HashMap<>();
    private final Map<String, String> moduleFailures = new HashMap<>();
    private String running;
    private String lastFailed;
    private String stoppedForTime;

    Tracker(Map<String, BenchmarkSpec> byName, Duration limitEach, Progress progress) {
      this.byName = byName;
      this.limitEach = limitEach;
      this.progress = progress;
    }

    synchronized void on(SurefireOutput.Event event) {
      if (event instanceof SurefireOutput.Started started && byName.containsKey(started.simpleName())) {
        running = started.simpleName();
        startedAt.put(running, System.nanoTime());
        progress.started(byName.get(running));
      } else if (event instanceof SurefireOutput.Finished finished && startedAt.containsKey(finished.simpleName())) {
        String name = finished.simpleName();
        running = null;
        elapsed.put(name, Duration.ofNanos(System.nanoTime() - startedAt.get(name)));
        if (finished.failed()) {
          failures.put(name, "failed; see the log");
          lastFailed = name;
        }
        progress.finished(outcome(byName.get(name), 0, null));
      } else if (event instanceof SurefireOutput.Cause cause && lastFailed != null) {
        failures.put(lastFailed, cause.text());
        lastFailed = null;
      } else if (event instanceof SurefireOutput.ModuleFailed failed) {
        moduleFailures.putIfAbsent(failed.artifactId(), failed.cause());
      }
    }

    synchronized boolean overLimit() {
      if (running != null && System.nanoTime() - startedAt.get(running) > limitEach.toNanos()) {
        stoppedForTime = running;
        return true;
      }
      return false;
    }

    synchronized BenchmarkOutcome outcome(BenchmarkSpec spec, int exitCode, String moduleFailure) {
      String name = spec.className();
      Duration took = elapsed.getOrDefault(name, startedAt.containsKey(name)
          ? Duration.ofNanos(System.nanoTime() - startedAt.get(name)) : Duration.ZERO);
      List<BenchmarkRow> rows;
      try {
        rows = BenchmarkResults.read(resultFile(spec));
      } catch (IllegalArgumentException | UncheckedIOException e) {
        return failed(spec, "unreadable results: " + e.getMessage(), took, List.of());
      }
      if (name.equals(stoppedForTime)) {
        return failed(spec, "stopped after " + limitEach.toMinutes() + " min (its time limit)", took, rows);
      }
      if (!startedAt.containsKey(name)) {
        return failed(spec, "did not run: " + (moduleFailure != null ? moduleFailure
            : stoppedForTime != null ? "the run was stopped at " + stoppedForTime + "'s time limit"
            : "Maven exited with " + exitCode + "; see " + log.getFileName()), took, rows);
      }
      if (!elapsed.containsKey(name)) {
        return failed(spec, "did not finish: Maven exited with " + exitCode + "; see " + log.getFileName(), took,
            rows);
      }
      if (failures.containsKey(name)) {
        return failed(spec, failures.get(name), took, rows);
      }
      if (rows.isEmpty()) {
        return failed(spec, "finished without recording a row (disabled? see " + log.getFileName() + ")", took,
            rows);
      }
      return new BenchmarkOutcome(spec, BenchmarkOutcome.Status.PASSED, null, took, rows);
    }

    private BenchmarkOutcome failed(BenchmarkSpec spec, String reason, Duration took, List<BenchmarkRow> rows) {
      return new BenchmarkOutcome(spec, BenchmarkOutcome.Status.FAILED, reason, took, rows);
    }
  }
}
