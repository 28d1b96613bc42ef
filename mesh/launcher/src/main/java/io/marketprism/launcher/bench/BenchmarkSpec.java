package io.marketprism.launcher.bench;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * One {@code *Benchmark} class that {@code ./marketprism bench} runs through surefire in its module.
 *
 * @param module the Maven module's directory, relative to the repository ({@code -pl})
 * @param className the benchmark's simple class name ({@code -Dtest})
 * @param expected about how long a full run takes here (for the ETA)
 * @param expectedQuick about how long a quick run takes, or empty when quick mode skips it
 * @param quickSkipReason why quick mode skips it, or {@code null} when it runs in quick mode
 */
public record BenchmarkSpec(
    String module, String className, Duration expected, Duration expectedQuick, String quickSkipReason) {

  public BenchmarkSpec {
    Objects.requireNonNull(module, "module");
    Objects.requireNonNull(className, "className");
    Objects.requireNonNull(expected, "expected");
    if ((expectedQuick == null) == (quickSkipReason == null)) {
      throw new IllegalArgumentException(className + ": either a quick duration or a reason to skip it");
    }
  }

  /** Runs in quick mode too, taking about {@code expectedQuick}. */
  public static BenchmarkSpec of(String module, String className, Duration expected, Duration expectedQuick) {
    return new BenchmarkSpec(module, className, expected, expectedQuick, null);
  }

  /** Skipped in quick mode, for {@code reason}. */
  public static BenchmarkSpec fullOnly(String module, String className, Duration expected, String reason) {
    return new BenchmarkSpec(module, className, expected, null, reason);
  }

  /** The reason this run skips it, if it does. */
  public Optional<String> skippedIn(boolean quick) {
    return quick ? Optional.ofNullable(quickSkipReason) : Optional.empty();
  }

  /** About how long it takes in this mode. */
  public Duration expected(boolean quick) {
    return quick && expectedQuick != null ? expectedQuick : expected;
  }
}
