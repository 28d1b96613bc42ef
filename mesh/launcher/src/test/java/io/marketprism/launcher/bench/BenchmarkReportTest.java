package io.marketprism.launcher.bench;

import io.marketprism.testkit.bench.BenchmarkRow;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class BenchmarkReportTest {
  private static final BenchmarkSpec GATEWAY =
      BenchmarkSpec.of("services/api-gateway", "GatewayBenchmark", Duration.ofMinutes(2), Duration.ofMinutes(1));
  private static final BenchmarkSpec STORAGE =
      BenchmarkSpec.of("services/data-storage", "IngestBenchmark", Duration.ofMinutes(4), Duration.ofMinutes(2));
  private static final BenchmarkSpec CONSOLE = BenchmarkSpec.fullOnly("mesh/launcher", "ConsoleMemoryBenchmark",
      Duration.ofMinutes(13), "runs for 10 minutes");

  @Test
  void oneTableOfEveryFigureWithItsBaselineRatioAndGoal() {
    String report = BenchmarkReport.render(run(new MachineLoad(2, 24L << 30, "0.50 0.40 0.30"),
        new BenchmarkOutcome(GATEWAY, BenchmarkOutcome.Status.PASSED, null, Duration.ofSeconds(61), List.of(
            new BenchmarkRow("GatewayBenchmark", "rest", "REST | 64 in flight", 2177.4, "calls/s", 5384.0,
                "direct gRPC calls/s", 0.40441, "ratio ≥ 0.5", false, true, null),
            new BenchmarkRow("GatewayBenchmark", "hit", "cache hit", 41.94, "ns/op", null, null, null, null, null,
                true, null)))));

    assertThat(report)
        .contains("| benchmark | what | figure | baseline, same run | ratio | goal | met |")
        .contains("| GatewayBenchmark | REST \\| 64 in flight | 2,177 calls/s | 5,384 direct gRPC calls/s | 0.40× |"
            + " ratio ≥ 0.5 | **not met** |")
        .contains("| GatewayBenchmark | cache hit | 41.9 ns/op |  |  |  |  |")
        .contains("2 cores, 24 GiB memory; load average (1, 5, 15 min) 0.50 0.40 0.30 before")
        .contains("commit `abc123`")
        .contains("**Quick mode**")
        .doesNotContain("machine was shared")
        .doesNotContain("Failed or skipped");
  }

  @Test
  void listsWhatFailedOrWasSkippedAndWhy() {
    String report = BenchmarkReport.render(run(new MachineLoad(2, 24L << 30, "7.10 5.00 4.00"),
        new BenchmarkOutcome(STORAGE, BenchmarkOutcome.Status.FAILED, "exit code 1: clickhouse-server did not start",
            Duration.ofSeconds(75), List.of()),
        BenchmarkOutcome.skipped(CONSOLE, "not run in quick mode: runs for 10 minutes"),
        new BenchmarkOutcome(GATEWAY, BenchmarkOutcome.Status.PASSED, null, Duration.ofSeconds(61), List.of(
            new BenchmarkRow("GatewayBenchmark", "fan", "fan-out to 10,000 watchers", null, "", null, null, null, null,
                null, true, "quick mode: takes minutes")))));

    assertThat(report)
        .contains("**failed**: `IngestBenchmark` (services/data-storage) after 1 min 15 s: exit code 1:"
            + " clickhouse-server did not start")
        .contains("skipped: `ConsoleMemoryBenchmark` (mesh/launcher): not run in quick mode: runs for 10 minutes")
        .contains("skipped: `GatewayBenchmark` (services/api-gateway) fan-out to 10,000 watchers: quick mode: takes"
            + " minutes")
        .contains("The machine was shared")
        .doesNotContain("| GatewayBenchmark | fan-out");
  }

  @Test
  void figuresAreWholeFromAThousandUpAndKeepThreeSignificantDigitsBelow() {
    assertThat(BenchmarkReport.number(123_456.7)).isEqualTo("123,457");
    assertThat(BenchmarkReport.number(999.6)).isEqualTo("1000");
    assertThat(BenchmarkReport.number(0.071234)).isEqualTo("0.0712");
    assertThat(BenchmarkReport.number(12.0)).isEqualTo("12");
    assertThat(BenchmarkReport.number(Double.NaN)).isEqualTo("n/a");
    assertThat(BenchmarkReport.ratio(1.005)).isEqualTo("1.00×");
  }

  private static BenchmarkReport.Run run(MachineLoad before, BenchmarkOutcome... outcomes) {
    return new BenchmarkReport.Run(Instant.parse("2026-12-07T23:00:00Z"), Duration.ofSeconds(500), "abc123",
        "./marketprism bench --quick", true, before, before, List.of(outcomes));
  }
}
