package io.marketprism.launcher;

import io.marketprism.launcher.bench.BenchmarkCatalog;
import io.marketprism.launcher.bench.BenchmarkOutcome;
import io.marketprism.launcher.bench.BenchmarkReport;
import io.marketprism.launcher.bench.BenchmarkSpec;
import io.marketprism.launcher.bench.MachineLoad;
import io.marketprism.launcher.bench.MarkedSection;
import io.marketprism.launcher.bench.MavenBenchmarkRunner;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code marketprism bench [--quick] [--only MODULE]}: runs every module's {@code *Benchmark} in turn through Maven
 * (one at a time: they measure the machine), prints progress, and rewrites the generated section of {@code
 * docs/benchmarks.md} with the figures they recorded. A failing benchmark does not stop the others; the exit code is
 * 1 if any failed. With {@code --only} the section is printed, not written: the page shows one whole run.
 */
@Command(
    name = "bench",
    mixinStandardHelpOptions = true,
    description = "Runs the benchmarks of every module and writes the report in docs/benchmarks.md.")
final class BenchCommand implements Callable<Integer> {

  @ParentCommand MarketPrismCommand parent;

  @Spec CommandSpec spec;

  @Option(names = "--quick", description = "Shorter phases (under 10 minutes in all); slow benchmarks are skipped.")
  boolean quick;

  @Option(
      names = "--only",
      paramLabel = "MODULE",
      description = "Only this module's benchmarks (e.g. api-gateway); prints the report instead of writing it.")
  String only;

  @Option(
      names = "--maven",
      paramLabel = "COMMAND",
      description = "The Maven command (default: $MVN, else mvn).")
  String maven;

  @Override
  public Integer call() throws Exception {
    Workspace workspace = parent.workspace();
    Path repository = workspace.repository();
    PrintWriter out = spec.commandLine().getOut();
    List<BenchmarkSpec> specs = only == null ? BenchmarkCatalog.ALL : BenchmarkCatalog.ofModule(only);
    if (specs.isEmpty()) {
      throw new LauncherException("no benchmarks in module " + only + "; modules with benchmarks: "
          + BenchmarkCatalog.ALL.stream().map(BenchmarkSpec::module).distinct().toList());
    }
    MavenBenchmarkRunner runner = new MavenBenchmarkRunner(repository, mavenCommand(),
        workspace.directory().resolve("bench"), quick);
    Instant started = Instant.now();
    String commit = commit(repository); // before the run: the report page is changed at its end
    MachineLoad before = MachineLoad.now();
    out.printf("bench%s: %d benchmarks, load average %s on %d cores; output in %s%n", quick ? " --quick" : "",
        specs.size(), before.loadAverages(), before.cores(), workspace.directory().resolve("bench"));
    out.flush();
    List<BenchmarkOutcome> outcomes = new ArrayList<>();
    Duration expectedDone = Duration.ZERO;
    for (int i = 0; i < specs.size(); i++) {
      BenchmarkSpec benchmark = specs.get(i);
      String label = String.format("%d/%d %s %s", i + 1, specs.size(), benchmark.module(), benchmark.className());
      Duration elapsed = Duration.between(started, Instant.now());
      var skip = benchmark.skippedIn(quick);
      if (skip.isPresent()) {
        out.printf("[%s] %s: skipped in quick mode (%s)%n", clock(elapsed), label, skip.get());
        out.flush();
        outcomes.add(BenchmarkOutcome.skipped(benchmark, "not run in quick mode: " + skip.get()));
        continue;
      }
      out.printf("[%s] %s: running (ETA %s)%n", clock(elapsed), label,
          clock(eta(elapsed, expectedDone, specs.subList(i, specs.size()), quick)));
      out.flush();
      BenchmarkOutcome outcome = runner.run(benchmark, quick ? Duration.ofMinutes(5) : Duration.ofMinutes(30));
      outcomes.add(outcome);
      expectedDone = expectedDone.plus(benchmark.expected(quick));
      out.printf("[%s] %s: %s in %s, %d rows%s%n", clock(Duration.between(started, Instant.now())), label,
          outcome.status().name().toLowerCase(java.util.Locale.ROOT), clock(outcome.elapsed()), outcome.rows().size(),
          outcome.reason() == null ? "" : " — " + outcome.reason());
      out.flush();
    }
    MachineLoad after = MachineLoad.now();
    BenchmarkReport.Run run = new BenchmarkReport.Run(started, Duration.between(started, Instant.now()),
        commit, "./marketprism bench" + (quick ? " --quick" : "") + (only == null ? "" : " --only " + only),
        quick, before, after, outcomes);
    if (only != null) {
      out.println();
      out.print(BenchmarkReport.render(run));
      out.flush();
      return run.anyFailed() ? 1 : 0;
    }
    Path page = repository.resolve("docs/benchmarks.md");
    String document = Files.exists(page) ? Files.readString(page, StandardCharsets.UTF_8) : "# Benchmarks\n";
    Files.writeString(page, MarkedSection.replace(document, BenchmarkReport.render(run)), StandardCharsets.UTF_8);
    out.printf("[%s] report written to %s%s%n", clock(run.took()), repository.relativize(page),
        run.anyFailed() ? "; some benchmarks FAILED (see the list at its end)" : "");
    out.flush();
    return run.anyFailed() ? 1 : 0;
  }

  private List<String> mavenCommand() {
    String command = maven != null ? maven : System.getenv().getOrDefault("MVN", "mvn");
    return Arrays.asList(command.trim().split("\\s+"));
  }

  /**
   * What is left: the expected durations of the remaining benchmarks, scaled by how the finished ones compared with
   * theirs (a loaded machine runs everything slower).
   */
  static Duration eta(Duration elapsed, Duration expectedDone, List<BenchmarkSpec> remaining, boolean quick) {
    double pace = expectedDone.isZero() ? 1 : Math.max(0.5, elapsed.toMillis() / (double) expectedDone.toMillis());
    long millis = 0;
    for (BenchmarkSpec benchmark : remaining) {
      millis += benchmark.skippedIn(quick).isPresent() ? 0 : benchmark.expected(quick).toMillis();
    }
    return Duration.ofMillis((long) (millis * pace));
  }

  private static String clock(Duration duration) {
    long seconds = duration.toSeconds();
    return String.format("%d:%02d", seconds / 60, seconds % 60);
  }

  /** {@code git rev-parse HEAD}, marked when the work tree has uncommitted changes; "unknown" without git. */
  private static String commit(Path repository) {
    String head = git(repository, "rev-parse", "HEAD");
    if (head.isEmpty()) {
      return "unknown";
    }
    String changes = git(repository, "status", "--porcelain", "--untracked-files=no");
    return changes.isEmpty() ? head : head + " (with uncommitted changes)";
  }

  private static String git(Path repository, String... arguments) {
    List<String> command = new ArrayList<>(List.of("git", "-C", repository.toString()));
    command.addAll(List.of(arguments));
    try {
      Process process = new ProcessBuilder(command).redirectErrorStream(false).start();
      String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
      return process.waitFor(30, TimeUnit.SECONDS) && process.exitValue() == 0 ? output : "";
    } catch (IOException e) {
      return "";
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "";
    }
  }
}
