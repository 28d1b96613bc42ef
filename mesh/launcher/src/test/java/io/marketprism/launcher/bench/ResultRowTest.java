package io.marketprism.launcher.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ResultRowTest {
  @TempDir Path directory;

  @Test
  void readsTheRowsABenchmarkRecorded() throws Exception {
    Path file = directory.resolve("GatewayBenchmark.jsonl");
    Files.writeString(file, """
        {"benchmark":"GatewayBenchmark","id":"rest","what":"REST, 64 in flight","figure":2177.4,"unit":"calls/s",\
        "baseline":5384.0,"baselineWhat":"direct gRPC calls/s","ratio":0.404,"goal":"ratio ≥ 0.5","met":false,\
        "quick":true}

        {"benchmark":"GatewayBenchmark","id":"p99","what":"p99","figure":"NaN","unit":"ms","quick":true}
        {"benchmark":"GatewayBenchmark","id":"fan","what":"fan-out","unit":"","quick":true,"skipped":"too slow"}
        """);

    List<ResultRow> rows = ResultRow.read(file);

    assertThat(rows).hasSize(3);
    assertThat(rows.get(0)).isEqualTo(new ResultRow("GatewayBenchmark", "rest", "REST, 64 in flight", 2177.4,
        "calls/s", 5384.0, "direct gRPC calls/s", 0.404, "ratio ≥ 0.5", false, null));
    assertThat(rows.get(1).figure()).isNaN();
    assertThat(rows.get(1).met()).isNull();
    assertThat(rows.get(2).skipped()).isEqualTo("too slow");
  }

  @Test
  void aMissingFileHasNoRows() {
    assertThat(ResultRow.read(directory.resolve("none.jsonl"))).isEmpty();
  }

  @Test
  void rejectsLinesThatAreNotResultRows() throws Exception {
    Path file = directory.resolve("Broken.jsonl");
    Files.writeString(file, "{\"benchmark\":\"B\",\"id\":\"x\",\"what\":\"w\",\"unit\":\"u\"}\n");
    assertThatThrownBy(() -> ResultRow.read(file)).hasMessageContaining("Broken.jsonl:1")
        .hasMessageContaining("figure");
    Files.writeString(file, "not json\n");
    assertThatThrownBy(() -> ResultRow.read(file)).hasMessageContaining("not JSON");
  }
}
