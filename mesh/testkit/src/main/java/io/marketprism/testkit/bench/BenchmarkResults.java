package io.marketprism.testkit.bench;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.math.BigDecimal;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * Where every {@code *Benchmark} records its headline figures: one JSON line per {@link BenchmarkRow} in
 * {@code target/benchmark-results/<Benchmark>.jsonl} of the module it runs in, which {@code ./marketprism bench}
 * collects into {@code docs/benchmarks.md}. The benchmark keeps printing its own detailed output; these rows are
 * the figures the issues set goals for.
 *
 * <p>Quick mode ({@code -Dmarketprism.bench.quick=true}, set by {@code ./marketprism bench --quick}) asks each
 * benchmark for shorter phases so that all of them together fit in ten minutes; {@link #quick()} tells it.
 */
public final class BenchmarkResults {
  /** The system property that turns quick mode on. */
  public static final String QUICK_PROPERTY = "marketprism.bench.quick";
  /** Relative to the module's directory, where surefire runs the benchmark. */
  public static final Path DIRECTORY = Path.of("target", "benchmark-results");

  // rows written by a newer kit may carry fields this reader does not know yet
  private static final ObjectMapper JSON =
      new ObjectMapper().disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

  private final String benchmark;
  private final Path file;
  private final boolean quick;

  private BenchmarkResults(String benchmark, Path file, boolean quick) {
    this.benchmark = benchmark;
    this.file = file;
    this.quick = quick;
  }

  /**
   * Starts the results of {@code benchmarkClass} in this run: an earlier run's file is replaced, so the file only
   * ever holds one run's rows.
   */
  public static BenchmarkResults start(Class<?> benchmarkClass) {
    return start(benchmarkClass, DIRECTORY);
  }

  static BenchmarkResults start(Class<?> benchmarkClass, Path directory) {
    String name = benchmarkClass.getSimpleName();
    Path file = directory.resolve(name + ".jsonl");
    try {
      Files.createDirectories(directory);
      Files.deleteIfExists(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return new BenchmarkResults(name, file, quick());
  }

  /** Whether quick mode is on for this JVM. */
  public static boolean quick() {
    return Boolean.getBoolean(QUICK_PROPERTY);
  }

  /** In quick mode {@code quickValue}, else {@code fullValue}, unless the run set {@code property} itself. */
  public static int choose(String property, int fullValue, int quickValue) {
    return Integer.getInteger(property, quick() ? quickValue : fullValue);
  }

  /** A figure without a baseline or goal, e.g. a latency percentile. */
  public void figure(String id, String what, double figure, String unit) {
    write(new BenchmarkRow(benchmark, id, what, figure, unit, null, null, null, null, null, quick, null));
  }

  /** A figure with a goal on the figure itself (e.g. p99 under 1 s); no baseline. */
  public void figure(String id, String what, double figure, String unit, String goal, boolean met) {
    write(new BenchmarkRow(benchmark, id, what, figure, unit, null, null, null, goal, met, quick, null));
  }

  /** A figure against its same-run baseline; ratio = figure / baseline. No goal. */
  public void compared(String id, String what, double figure, String unit, double baseline, String baselineWhat) {
    write(new BenchmarkRow(benchmark, id, what, figure, unit, baseline, baselineWhat, figure / baseline, null, null,
        quick, null));
  }

  /**
   * A figure against its same-run baseline with a goal on their ratio (figure / baseline): met when the ratio is
   * at least {@code minimumRatio}.
   */
  public void compared(String id, String what, double figure, String unit, double baseline, String baselineWhat,
      double minimumRatio) {
    double ratio = figure / baseline;
    write(new BenchmarkRow(benchmark, id, what, figure, unit, baseline, baselineWhat, ratio,
        "ratio ≥ " + BigDecimal.valueOf(minimumRatio).stripTrailingZeros().toPlainString(), ratio >= minimumRatio,
        quick, null));
  }

  /** Any row built by the caller, e.g. one whose goal is not a simple minimum. */
  public void row(String id, String what, double figure, String unit, Double baseline, String baselineWhat,
      Double ratio, String goal, Boolean met) {
    write(new BenchmarkRow(benchmark, id, what, figure, unit, baseline, baselineWhat, ratio, goal, met, quick, null));
  }

  /** A figure this run did not measure (e.g. one that cannot be shortened for quick mode), and why. */
  public void skipped(String id, String what, String reason) {
    write(new BenchmarkRow(benchmark, id, what, null, "", null, null, null, null, null, quick, reason));
  }

  /**
   * The rows in {@code file}, in order (what {@code ./marketprism bench} collects); none when it does not exist. A
   * line that is not a row is an error naming the file and line.
   */
  public static List<BenchmarkRow> read(Path file) {
    if (!Files.exists(file)) {
      return List.of();
    }
    List<BenchmarkRow> rows = new ArrayList<>();
    try {
      int number = 0;
      for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
        number++;
        if (!line.isBlank()) {
          rows.add(parse(line, file + ":" + number));
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return rows;
  }

  private static BenchmarkRow parse(String line, String where) {
    try {
      return JSON.readValue(line, BenchmarkRow.class);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException(where + ": not a result row: " + e.getOriginalMessage(), e);
    }
  }

  /** The file the rows go to. */
  public Path file() {
    return file;
  }

  private synchronized void write(BenchmarkRow row) {
    try {
      Files.writeString(file, JSON.writeValueAsString(row) + "\n", StandardCharsets.UTF_8,
          StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
