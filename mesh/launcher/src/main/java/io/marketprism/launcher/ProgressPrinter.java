package io.marketprism.launcher;

import io.marketprism.supervisor.SupervisorEvent;
import io.marketprism.supervisor.SupervisorListener;
import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;

/**
 * Prints one line per supervisor event, with the time since start-up began. Stateless apart from
 * the start.
 */
final class ProgressPrinter implements SupervisorListener {

  private final PrintStream out;
  private final Instant began = Instant.now();

  ProgressPrinter(PrintStream out) {
    this.out = out;
  }

  @Override
  public void onEvent(SupervisorEvent event) {
    long millis = Duration.between(began, event.at()).toMillis();
    out.printf(
        "[%6.1fs] %-22s %-10s %s%n",
        millis / 1000.0, event.component(), event.type(), event.message());
    out.flush();
  }
}
