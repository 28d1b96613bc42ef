package io.marketprism.launcher;

import io.marketprism.testkit.bench.BenchmarkResults;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;

/**
 * The console's memory over a long run on the live market page (10 minutes by default; {@code
 * -Dconsole.memory.minutes=N}): run by hand, {@code -Dtest=ConsoleMemoryBenchmark} (surefire skips benchmarks). Prints
 * the JS heap after GC and the DOM's size at the start (the baseline) and the end, and their ratio.
 */
class ConsoleMemoryBenchmark {

  @Test
  void marketPageMemoryOverALongRun(@TempDir Path directory) throws Exception {
    Duration run = Duration.ofMinutes(Long.getLong("console.memory.minutes", 10));
    try (RunningSystem system = RunningSystem.attachOrUp(directory, Map.of());
        ConsoleBrowser browser = new ConsoleBrowser(system.gatewayUrl())) {
      browser.logIn(system.token("reader"));
      browser.awaitElement(By.cssSelector("#tape tr"));
      ConsoleMemory memory = ConsoleMemory.measure(browser, run);
      System.out.println("console memory over " + run.toMinutes() + " min: " + memory);
      BenchmarkResults.start(ConsoleMemoryBenchmark.class).compared("heap", "console JS heap after GC at the end of "
          + run.toMinutes() + " min on the live market page (" + memory.tradesShown() + " trades shown)",
          memory.heapAfter() / 1048576.0, "MiB", memory.heapBefore() / 1048576.0, "MiB at the start");
    }
  }
}
