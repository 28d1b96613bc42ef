package io.marketprism.launcher.bench;

import io.marketprism.testkit.bench.BenchmarkRow;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * What became of one benchmark in a run: its rows, or why it has none.
 *
 * @param spec the benchmark
 * @param status passed (it ran and recorded rows), failed or skipped
 * @param reason why it failed or was skipped; {@code null} when it passed
 * @param elapsed how long it took (zero when skipped)
 * @param rows what it recorded (possibly some rows even when it failed later)
 */
public record BenchmarkOutcome(
    BenchmarkSpec spec, Status status, String reason, Duration elapsed, List<BenchmarkRow> rows) {

  /** How a benchmark ended. */
  public enum Status {
    PASSED,
    FAILED,
    SKIPPED
  }

  public BenchmarkOutcome {
    Objects.requireNonNull(spec, "spec");
    Objects.requireNonNull(status, "status");
    rows = List.copyOf(rows);
    if ((status == Status.PASSED) != (reason == null)) {
      throw new IllegalArgumentException(spec.className() + ": a reason exactly when it did not pass");
    }
  }

  public static BenchmarkOutcome skipped(BenchmarkSpec spec, String reason) {
    return new BenchmarkOutcome(spec, Status.SKIPPED, reason, Duration.ZERO, List.of());
  }
}
