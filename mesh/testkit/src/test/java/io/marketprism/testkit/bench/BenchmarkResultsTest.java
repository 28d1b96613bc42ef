package io.marketprism.testkit.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BenchmarkResultsTest {
  @TempDir Path directory;

  @Test
  void writesOneJsonLinePerRowAndReplacesAnEarlierRun() throws Exception {
    BenchmarkResults.start(BenchmarkResultsTest.class, directory).figure("old", "from an earlier run", 1, "x");
    BenchmarkResults results = BenchmarkResults.start(BenchmarkResultsTest.class, directory);
    results.compared("rest.64", "REST at 64 in flight", 2500, "calls/s", 5000, "direct gRPC calls/s", 0.5);
    results.compared("hit", "cache hit vs miss", 3000, "calls/s", 1000, "miss calls/s", 5);
    results.figure("p99", "publish to queryable p99", 400, "ms");

    List<String> lines = Files.readAllLines(directory.resolve("BenchmarkResultsTest.jsonl"));
    assertEquals(3, lines.size());
    ObjectMapper json = new ObjectMapper();
    JsonNode met = json.readTree(lines.get(0));
    assertEquals("BenchmarkResultsTest", met.get("benchmark").asText());
    assertEquals(0.5, met.get("ratio").asDouble());
    assertTrue(met.get("met").asBoolean());
    assertFalse(json.readTree(lines.get(1)).get("met").asBoolean());
    JsonNode plain = json.readTree(lines.get(2));
    assertFalse(plain.has("goal"));
    assertFalse(plain.has("baseline"));
  }
}
