package io.marketprism.launcher.bench;

import java.time.Duration;
import java.util.List;

/**
 * Every {@code *Benchmark} in the repository, in the order of the report's table (Maven runs them in its module
 * order). Durations are how long each test class took on this project's shared 2-core machine (Maven's own time not
 * included) and only feed the ETA.
 */
public final class BenchmarkCatalog {

  /** The benchmarks; a new {@code *Benchmark} class is added here. */
  public static final List<BenchmarkSpec> ALL = List.of(
      BenchmarkSpec.of("control-plane", "UnaryCallBenchmark", Duration.ofSeconds(150), Duration.ofSeconds(50)),
      BenchmarkSpec.of("control-plane", "ControlPlaneScaleBenchmark", Duration.ofSeconds(120), Duration.ofSeconds(105)),
      BenchmarkSpec.of("services/market-data-collector", "NormalizeBenchmark", Duration.ofMinutes(6),
          Duration.ofSeconds(100)),
      BenchmarkSpec.of("services/monitoring", "RuleEvaluationBenchmark", Duration.ofSeconds(40),
          Duration.ofSeconds(20)),
      BenchmarkSpec.of("services/api-gateway", "GatewayBenchmark", Duration.ofMinutes(3), Duration.ofSeconds(100)),
      BenchmarkSpec.of("services/config-center", "ConfigCenterBenchmark", Duration.ofMinutes(12),
          Duration.ofSeconds(30)),
      BenchmarkSpec.of("services/scheduler", "SchedulerDispatchBenchmark", Duration.ofMinutes(4),
          Duration.ofSeconds(45)),
      BenchmarkSpec.of("messaging", "ClusterPublishBenchmark", Duration.ofMinutes(3), Duration.ofSeconds(20)),
      BenchmarkSpec.of("services/data-storage", "IngestBenchmark", Duration.ofMinutes(4), Duration.ofSeconds(100)),
      BenchmarkSpec.fullOnly("mesh/launcher", "ConsoleMemoryBenchmark", Duration.ofMinutes(13),
          "starts the whole system and watches the console for 10 minutes; a shorter watch says nothing about"
              + " growth"));

  private BenchmarkCatalog() {}

  /** The benchmarks of {@code module} (its directory, e.g. {@code services/api-gateway} or {@code api-gateway}). */
  public static List<BenchmarkSpec> ofModule(String module) {
    return ALL.stream()
        .filter(spec -> spec.module().equals(module) || spec.module().endsWith("/" + module))
        .toList();
  }
}
