package io.marketprism.launcher.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Lines as Maven 3.9 with surefire 3.5 prints them. */
class SurefireOutputTest {

  @Test
  void followsABenchmarkFromStartToEnd() {
    assertThat(events(
        "[INFO] Running io.marketprism.controlplane.bench.UnaryCallBenchmark",
        "[INFO] Tests run: 1, Failures: 0, Errors: 0, Skipped: 0, Time elapsed: 65.79 s -- in"
            + " io.marketprism.controlplane.bench.UnaryCallBenchmark",
        "[INFO] Tests run: 1, Failures: 0, Errors: 0, Skipped: 0"))
        .containsExactly(new SurefireOutput.Started("UnaryCallBenchmark"),
            new SurefireOutput.Finished("UnaryCallBenchmark", false));
  }

  @Test
  void aFailedBenchmarkIsFollowedByTheExceptionOfItsMethod() {
    assertThat(events(
        "[INFO] Running io.marketprism.storage.bench.IngestBenchmark",
        "[ERROR] Tests run: 1, Failures: 1, Errors: 0, Skipped: 0, Time elapsed: 3.2 s <<< FAILURE! -- in"
            + " io.marketprism.storage.bench.IngestBenchmark",
        "[ERROR] io.marketprism.storage.bench.IngestBenchmark.run -- Time elapsed: 3.1 s  <<< FAILURE!",
        "org.opentest4j.AssertionFailedError: expected: <true> but was: <false>",
        "\tat org.junit.jupiter.api.AssertionUtils.fail(AssertionUtils.java:38)"))
        .containsExactly(new SurefireOutput.Started("IngestBenchmark"),
            new SurefireOutput.Finished("IngestBenchmark", true),
            new SurefireOutput.Cause("org.opentest4j.AssertionFailedError: expected: <true> but was: <false>"));
  }

  @Test
  void aModuleThatDoesNotBuild() {
    assertThat(events("[ERROR] Failed to execute goal org.apache.maven.plugins:maven-compiler-plugin:3.13.0:testCompile"
        + " (default-testCompile) on project marketprism-config-center: Compilation failure: Compilation failure: "))
        .containsExactly(new SurefireOutput.ModuleFailed("marketprism-config-center",
            "Compilation failure: Compilation failure:"));
  }

  private static List<SurefireOutput.Event> events(String... lines) {
    SurefireOutput output = new SurefireOutput();
    return java.util.Arrays.stream(lines).map(output::accept).flatMap(Optional::stream).toList();
  }
}
