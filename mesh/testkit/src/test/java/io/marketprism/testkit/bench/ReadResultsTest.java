package io.marketprism.testkit.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What {@code ./marketprism bench} collects: the rows as {@link BenchmarkResults#read} parses them. */
class ReadResultsTest {
  @TempDir Path directory;

  @Test
  void readsBackWhatABenchmarkRecorded() {
    BenchmarkResults results = BenchmarkResults.start(ReadResultsTest.class, directory);
    results.compared("rest", "REST, 64 in flight", 2177.4, "calls/s", 5384.0, "direct gRPC calls/s", 0.5);
    results.figure("p99", "p99 of nothing", Double.NaN, "ms");
    results.skipped("fan", "fan-out", "too slow for quick mode");

    List<BenchmarkRow> rows = BenchmarkResults.read(results.file());

    assertEquals(3, rows.size());
    assertEquals(new BenchmarkRow("ReadResultsTest", "rest", "REST, 64 in flight", 2177.4, "calls/s", 5384.0,
        "direct gRPC calls/s", 2177.4 / 5384.0, "ratio ≥ 0.5", false, false, null), rows.get(0));
    assertTrue(rows.get(1).figure().isNaN());
    assertNull(rows.get(1).met());
    assertEquals("too slow for quick mode", rows.get(2).skipped());
    assertNull(rows.get(2).figure());
  }

  @Test
  void aMissingFileHasNoRows() {
    assertTrue(BenchmarkResults.read(directory.resolve("none.jsonl")).isEmpty());
  }

  @Test
  void aLineThatIsNotARowNamesTheFileAndLine() throws Exception {
    Path file = directory.resolve("Broken.jsonl");
    Files.writeString(file, "{\"benchmark\":\"B\",\"id\":\"x\",\"what\":\"w\",\"unit\":\"u\"}\n");
    IllegalArgumentException noFigure = assertThrows(IllegalArgumentException.class, () -> BenchmarkResults.read(file));
    assertTrue(noFigure.getMessage().contains("Broken.jsonl:1"), noFigure.getMessage());
    assertTrue(noFigure.getMessage().contains("figure"), noFigure.getMessage());

    Files.writeString(file, "\nnot json\n");
    IllegalArgumentException notJson = assertThrows(IllegalArgumentException.class, () -> BenchmarkResults.read(file));
    assertTrue(notJson.getMessage().contains("Broken.jsonl:2"), notJson.getMessage());
  }
}
