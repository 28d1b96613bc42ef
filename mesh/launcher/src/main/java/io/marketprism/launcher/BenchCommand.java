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

  /** Longest one benchmark may run before the Maven run is stopped. */
  private static final Duration QUICK_LIMIT = Duration.ofMinutes(5);

  private static final Duration FULL_LIMIT = Duration.ofMinutes(30);

  @ParentCommand MarketPrismCommand parent;

  @Spec CommandSpec spec;

  @Option(
      names = "--quick",
      description =
          "Shorter phases (aiming at 10 minutes in all); benchmarks that cannot be shortened are skipped.")
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
    Path log = workspace.directory().resolve("bench").resolve("maven.log");
    MavenBenchmarkRunner runner = new MavenBenchmarkRunner(repository, mavenCommand(), log, quick);
    Instant started = Instant.now();
    String commit = commit(repository); // before the run: the report page is changed at its end
    MachineLoad before = MachineLoad.now();
    List<BenchmarkSpec> toRun = specs.stream().filter(spec -> spec.skippedIn(quick).isEmpty()).toList();
    out.printf("bench%s: %d benchmarks in one Maven run (%d skipped), load average %s on %d cores; Maven's output"
            + " in %s%n", quick ? " --quick" : "", toRun.size(), specs.size() - toRun.size(), before.loadAverages(),
        before.cores(), log);
    for (BenchmarkSpec benchmark : specs) {
      benchmark.skippedIn(quick).ifPresent(reason -> out.printf("  %s %s: skipped in quick mode (%s)%n",
          benchmark.module(), benchmark.className(), reason));
    }
    out.flush();
    BenchProgress progress = new BenchProgress(out, started, toRun, quick);
    List<BenchmarkOutcome> ran = toRun.isEmpty() ? List.of()
        : runner.run(toRun, quick ? QUICK_LIMIT : FULL_LIMIT, progress);
    List<BenchmarkOutcome> outcomes = inCatalogOrder(specs, toRun, ran);
    ran.stream().filter(outcome -> !progress.reported(outcome.spec())).forEach(outcome -> out.printf(
        "[%s] %s %s: %s%n", BenchProgress.clock(Duration.between(started, Instant.now())), outcome.spec().module(),
        outcome.spec().className(), outcome.reason()));
    MachineLoad after = MachineLoad.now();
    BenchmarkReport.Run run = new BenchmarkReport.Run(started, Duration.between(started, Instant.now()),
        commit, "./marketprism bench" + (quick ? " --quick" : "") + (only == null ? "" : " --only " + only),
        quick, before, after, outcomes);
    if (only != null) {
      out.println();
      out.print(BenchmarkReport.render(run));
    } else {
      Path page = writeReport(repository, run);
      out.printf("[%s] report written to %s%s%n", BenchProgress.clock(run.took()), repository.relativize(page),
          run.anyFailed() ? "; some benchmarks FAILED (see the list at its end)" : "");
    }
    out.flush();
    return run.anyFailed() ? 1 : 0;
  }

  /** Every benchmark's outcome in the catalog's order: the skipped ones and those Maven ran. */
  private List<BenchmarkOutcome> inCatalogOrder(List<BenchmarkSpec> specs, List<BenchmarkSpec> toRun,
      List<BenchmarkOutcome> ran) {
    List<BenchmarkOutcome> outcomes = new ArrayList<>();
    for (BenchmarkSpec benchmark : specs) {
      var skip = benchmark.skippedIn(quick);
      outcomes.add(skip.isPresent()
          ? BenchmarkOutcome.skipped(benchmark, "not run in quick mode: " + skip.get())
          : ran.get(toRun.indexOf(benchmark)));
    }
    return outcomes;
  }

  /** Rewrites the generated section of docs/benchmarks.md, keeping everything around it. */
  private static Path writeReport(Path repository, BenchmarkReport.Run run) throws IOException {
    Path page = repository.resolve("docs/benchmarks.md");
    String document = Files.exists(page) ? Files.readString(page, StandardCharsets.UTF_8) : "# Benchmarks\n";
    Files.writeString(page, MarkedSection.replace(document, BenchmarkReport.render(run)), StandardCharsets.UTF_8);
    return page;
  }

  private List<String> mavenCommand() {
    String command = maven != null ? maven : System.getenv().getOrDefault("MVN", "mvn");
    return Arrays.asList(command.trim().split("\\s+"));
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
