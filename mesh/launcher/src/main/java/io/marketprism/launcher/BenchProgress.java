package io.marketprism.launcher;

import io.marketprism.launcher.bench.BenchmarkOutcome;
import io.marketprism.launcher.bench.BenchmarkSpec;
import io.marketprism.launcher.bench.MavenBenchmarkRunner;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/** {@code bench}'s progress: a line as each benchmark starts and ends, with the time so far and what is left. */
final class BenchProgress implements MavenBenchmarkRunner.Progress {

  private final PrintWriter out;
  private final Instant started;
  private final List<BenchmarkSpec> toRun;
  private final boolean quick;
  private final Set<BenchmarkSpec> seen = new HashSet<>();
  private final Set<BenchmarkSpec> done = new HashSet<>();

  BenchProgress(PrintWriter out, Instant started, List<BenchmarkSpec> toRun, boolean quick) {
    this.out = out;
    this.started = started;
    this.toRun = toRun;
    this.quick = quick;
  }

  @Override
  public synchronized void started(BenchmarkSpec benchmark) {
    seen.add(benchmark);
    Duration elapsed = Duration.between(started, Instant.now());
    out.printf("[%s] %d/%d %s %s: running (ETA %s)%n", clock(elapsed), seen.size(), toRun.size(),
        benchmark.module(), benchmark.className(), clock(eta(elapsed)));
    out.flush();
  }

  @Override
  public synchronized void finished(BenchmarkOutcome outcome) {
    done.add(outcome.spec());
    out.printf("[%s] %d/%d %s %s: %s in %s, %d rows%n", clock(Duration.between(started, Instant.now())),
        seen.size(), toRun.size(), outcome.spec().module(), outcome.spec().className(),
        outcome.status().name().toLowerCase(Locale.ROOT), clock(outcome.elapsed()), outcome.rows().size());
    out.flush();
  }

  synchronized boolean reported(BenchmarkSpec benchmark) {
    return done.contains(benchmark);
  }

  /**
   * What is left: the expected durations of the benchmarks not finished, scaled by how the finished ones compared
   * with theirs (a loaded machine runs everything slower).
   */
  private Duration eta(Duration elapsed) {
    long expectedDone = done.stream().mapToLong(spec -> spec.expected(quick).toMillis()).sum();
    double pace = expectedDone == 0 ? 1 : Math.max(0.5, elapsed.toMillis() / (double) expectedDone);
    long left = toRun.stream().filter(spec -> !done.contains(spec))
        .mapToLong(spec -> spec.expected(quick).toMillis()).sum();
    return Duration.ofMillis((long) (left * pace));
  }

  static String clock(Duration duration) {
    long seconds = duration.toSeconds();
    return String.format("%d:%02d", seconds / 60, seconds % 60);
  }
}
