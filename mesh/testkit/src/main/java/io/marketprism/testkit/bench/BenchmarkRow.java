package io.marketprism.testkit.bench;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.Objects;

/**
 * One headline figure of a benchmark, as {@code ./marketprism bench} puts it in the report's table: what was
 * measured, the figure, the baseline measured in the same run, their ratio, and the goal an issue set for it.
 *
 * @param benchmark the benchmark class's simple name
 * @param id stable within the benchmark (the report sorts and compares by it)
 * @param what one line a reader understands without the code
 * @param figure the measured value; {@code null} when the figure was skipped
 * @param unit the figure's unit ({@code calls/s}, {@code ms p99}, ...)
 * @param baseline the same-run baseline's value, or {@code null} when the figure has none
 * @param baselineWhat what the baseline is, with its unit
 * @param ratio figure / baseline (or the ratio the goal is about), {@code null} when none applies
 * @param goal the goal in words ({@code ">= 0.5 of direct"}), {@code null} when none is set
 * @param met whether the goal was met in this run; {@code null} when there is no goal
 * @param quick whether it was measured in quick mode
 * @param skipped why the figure was not measured in this run, {@code null} when it was
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record BenchmarkRow(
    String benchmark,
    String id,
    String what,
    Double figure,
    String unit,
    Double baseline,
    String baselineWhat,
    Double ratio,
    String goal,
    Boolean met,
    boolean quick,
    String skipped) {

  public BenchmarkRow {
    Objects.requireNonNull(benchmark, "benchmark");
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(what, "what");
    Objects.requireNonNull(unit, "unit");
    if ((figure == null) == (skipped == null)) {
      throw new IllegalArgumentException(id + " needs either a figure or the reason it was skipped");
    }
    if (goal == null && met != null) {
      throw new IllegalArgumentException("met without a goal in " + id);
    }
  }
}
