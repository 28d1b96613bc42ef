package io.marketprism.launcher.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * One row a benchmark recorded through the test kit's {@code BenchmarkResults} (a JSON line in its module's
 * {@code target/benchmark-results/<Benchmark>.jsonl}), as the report reads it.
 */
public record ResultRow(
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
    String skipped) {

  private static final ObjectMapper JSON = new ObjectMapper();

  /** The rows in {@code file}, in order; none when it does not exist. A malformed line is an error. */
  public static List<ResultRow> read(Path file) {
    if (!Files.exists(file)) {
      return List.of();
    }
    List<ResultRow> rows = new ArrayList<>();
    try {
      int number = 0;
      for (String line : Files.readAllLines(file)) {
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

  static ResultRow parse(String line, String where) {
    JsonNode node;
    try {
      node = JSON.readTree(line);
    } catch (IOException e) {
      throw new IllegalArgumentException(where + ": not JSON: " + e.getMessage(), e);
    }
    if (!node.isObject() || !node.hasNonNull("benchmark") || !node.hasNonNull("id") || !node.hasNonNull("what")) {
      throw new IllegalArgumentException(where + ": a result row needs benchmark, id and what");
    }
    if (!node.hasNonNull("figure") && !node.hasNonNull("skipped")) {
      throw new IllegalArgumentException(where + ": a result row needs a figure or the reason it was skipped");
    }
    return new ResultRow(node.get("benchmark").asText(), node.get("id").asText(), node.get("what").asText(),
        number(node, "figure"), text(node, "unit"), number(node, "baseline"), text(node, "baselineWhat"),
        number(node, "ratio"), text(node, "goal"), node.hasNonNull("met") ? node.get("met").asBoolean() : null,
        text(node, "skipped"));
  }

  private static Double number(JsonNode node, String field) {
    JsonNode value = node.get(field);
    // NaN (a percentile of nothing) is written by Jackson as the string "NaN"
    return value == null || value.isNull() ? null : value.asDouble(Double.NaN);
  }

  private static String text(JsonNode node, String field) {
    JsonNode value = node.get(field);
    return value == null || value.isNull() ? null : value.asText();
  }
}
