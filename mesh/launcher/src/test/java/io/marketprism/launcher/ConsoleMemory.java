package io.marketprism.launcher;

import java.time.Duration;
import org.openqa.selenium.By;

/** The console's memory before and after a run on the live market page: JS heap after GC, DOM nodes, trades drawn. */
record ConsoleMemory(long heapBefore, long heapAfter, long domNodesBefore, long domNodesAfter, long tradesShown, Duration run) {

  /** Measures the open market page over {@code run}, after 10 s to let the page reach its working size. */
  static ConsoleMemory measure(ConsoleBrowser browser, Duration run) throws InterruptedException {
    Thread.sleep(10_000);
    long heapBefore = browser.heapAfterGc();
    long nodesBefore = browser.domNodes();
    long tradesBefore = browser.number(By.id("tape"), "data-total");
    Thread.sleep(run.toMillis());
    long tradesShown = browser.number(By.id("tape"), "data-total") - tradesBefore;
    return new ConsoleMemory(heapBefore, browser.heapAfterGc(), nodesBefore, browser.domNodes(), tradesShown, run);
  }

  @Override
  public String toString() {
    return String.format(
        "%d trades in %d s (%.0f/s); JS heap after GC %.1f MiB -> %.1f MiB (end/start %.2f); DOM nodes %d -> %d",
        tradesShown, run.toSeconds(), tradesShown / (double) run.toSeconds(), heapBefore / 1048576.0,
        heapAfter / 1048576.0, heapAfter / (double) heapBefore, domNodesBefore, domNodesAfter);
  }
}
