package io.marketprism.launcher.bench;

import io.marketprism.testkit.bench.BenchmarkRow;
import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.text.DecimalFormat;
import java.text.DecimalFormatSymbols;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;

/**
 * The generated section of {@code docs/benchmarks.md}: when, at which commit, on what machine and under what load,
 * one table of every recorded figure with its same-run baseline, ratio and goal, and what failed or was skipped.
 */
public final class BenchmarkReport {
  private static final DateTimeFormatter WHEN = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'")
      .withZone(ZoneOffset.UTC);

  /**
   * One run.
   *
   * @param commit {@code git rev-parse HEAD}, with "(uncommitted changes)" when the tree was dirty
   * @param command the command as typed, e.g. {@code ./marketprism bench --quick}
   */
  public record Run(Instant started, Duration took, String commit, String command, boolean quick, MachineLoad before,
      MachineLoad after, List<BenchmarkOutcome> outcomes) {

    public Run {
      outcomes = List.copyOf(outcomes);
    }

    /** Whether any benchmark failed (the command's exit code says so). */
    public boolean anyFailed() {
      return outcomes.stream().anyMatch(outcome -> outcome.status() == BenchmarkOutcome.Status.FAILED);
    }
  }

  private BenchmarkReport() {}

  /** The section's Markdown, without the markers. */
  public static String render(Run run) {
    StringBuilder out = new StringBuilder();
    out.append("## Latest run (generated)\n\n");
    out.append("Written by `").append(run.command()).append("` — do not edit between the markers; the readings above")
        .append(" are by hand. Started ").append(WHEN.format(run.started())).append(", took ")
        .append(minutes(run.took())).append(", commit `").append(run.commit()).append("`.\n\n");
    MachineLoad before = run.before();
    out.append("Machine: ").append(before.cores()).append(" cores, ")
        .append(before.memoryBytes() / (1L << 30)).append(" GiB memory; load average (1, 5, 15 min) ")
        .append(before.loadAverages()).append(" before, ").append(run.after().loadAverages()).append(" after. ");
    double busiest = Math.max(before.oneMinute(), run.after().oneMinute());
    if (busiest > before.cores()) {
      out.append("**The machine was shared: load above its ").append(before.cores())
          .append(" cores, so every figure and baseline is slowed and noisy; read the ratios, not the rates.** ");
    }
    out.append(run.quick()
        ? "**Quick mode** (`--quick`): shorter phases and fewer iterations than each module's documented run, so"
            + " rougher figures.\n\n"
        : "Full runs, as each module's BENCHMARKS.md documents them.\n\n");
    out.append("| benchmark | what | figure | baseline, same run | ratio | goal | met |\n");
    out.append("| --- | --- | --- | --- | --- | --- | --- |\n");
    for (BenchmarkOutcome outcome : run.outcomes()) {
      for (BenchmarkRow row : outcome.rows()) {
        if (row.skipped() == null) {
          out.append(tableRow(outcome.spec(), row));
        }
      }
    }
    List<String> notRun = notRun(run);
    if (!notRun.isEmpty()) {
      out.append("\nFailed or skipped:\n\n");
      notRun.forEach(line -> out.append("- ").append(line).append('\n'));
    }
    return out.toString();
  }

  private static String tableRow(BenchmarkSpec spec, BenchmarkRow row) {
    String baseline = row.baseline() == null ? "" : number(row.baseline()) + " " + cell(row.baselineWhat());
    String ratio = row.ratio() == null ? "" : ratio(row.ratio());
    String met = row.met() == null ? "" : row.met() ? "met" : "**not met**";
    return "| " + spec.className() + " | " + cell(row.what()) + " | " + number(row.figure()) + " " + cell(row.unit())
        + " | " + baseline + " | " + ratio + " | " + cell(row.goal()) + " | " + met + " |\n";
  }

  private static List<String> notRun(Run run) {
    List<String> lines = new java.util.ArrayList<>();
    for (BenchmarkOutcome outcome : run.outcomes()) {
      String name = "`" + outcome.spec().className() + "` (" + outcome.spec().module() + ")";
      switch (outcome.status()) {
        case FAILED -> lines.add("**failed**: " + name + " after " + minutes(outcome.elapsed()) + ": "
            + cell(outcome.reason()));
        case SKIPPED -> lines.add("skipped: " + name + ": " + cell(outcome.reason()));
        case PASSED -> { }
      }
      for (BenchmarkRow row : outcome.rows()) {
        if (row.skipped() != null) {
          lines.add("skipped: " + name + " " + cell(row.what()) + ": " + cell(row.skipped()));
        }
      }
    }
    return lines;
  }

  /** Whole numbers from 1,000 up (thousands grouped: 2,177), three significant digits below (41.9 · 0.0712). */
  static String number(Double value) {
    if (value == null) {
      return "";
    }
    if (value.isNaN() || value.isInfinite()) {
      return "n/a";
    }
    if (Math.abs(value) >= 1000) {
      return new DecimalFormat("#,##0", DecimalFormatSymbols.getInstance(Locale.ROOT)).format(value);
    }
    return new BigDecimal(value).round(new MathContext(3, RoundingMode.HALF_EVEN)).stripTrailingZeros()
        .toPlainString();
  }

  static String ratio(double value) {
    if (Double.isNaN(value) || Double.isInfinite(value)) {
      return "n/a";
    }
    return new BigDecimal(value).setScale(2, RoundingMode.HALF_EVEN).toPlainString() + "×";
  }

  private static String minutes(Duration duration) {
    long seconds = duration.toSeconds();
    return seconds >= 60 ? seconds / 60 + " min " + seconds % 60 + " s" : seconds + " s";
  }

  /** Text safe inside a Markdown table cell. */
  private static String cell(String text) {
    return text == null ? "" : text.replace("|", "\\|").replace("\n", " ");
  }
}
