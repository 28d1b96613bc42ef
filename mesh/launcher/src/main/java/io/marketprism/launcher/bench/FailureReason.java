package io.marketprism.launcher.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Why a benchmark's run counts as failed, in one line for the report: it timed out, Maven failed (with the first
 * assertion or exception surefire logged), or it finished without recording a row (e.g. a disabled test).
 */
final class FailureReason {
  /** Surefire's summary of a failed test and the lines that name the cause. */
  private static final Pattern CAUSE = Pattern.compile(
      "^\\[ERROR\\]\\s+(?:\\S+\\.\\S+:\\d+ |Tests run:.*<<< |\\S+\\s+Time elapsed.*<<< )?(.*(?:Exception|Error|expected|"
          + "FAIL|Could not|Failed to).*)$");
  private static final int LONGEST = 240;

  private FailureReason() {}

  static Optional<String> of(boolean finished, int exitCode, Duration limit, List<ResultRow> rows, Path log) {
    if (!finished) {
      return Optional.of("stopped after " + limit.toMinutes() + " min (time limit); see " + log.getFileName());
    }
    if (exitCode != 0) {
      return Optional.of("exit code " + exitCode + ": " + firstCause(log).orElse("see " + log.getFileName()));
    }
    if (rows.isEmpty()) {
      return Optional.of("finished without recording a row (not run? see " + log.getFileName() + ")");
    }
    return Optional.empty();
  }

  /** The first line of {@code log} that names a cause, shortened. */
  static Optional<String> firstCause(Path log) {
    try {
      for (String line : Files.readAllLines(log)) {
        var matcher = CAUSE.matcher(line.strip());
        if (matcher.matches()) {
          String cause = matcher.group(1).strip();
          return Optional.of(cause.length() > LONGEST ? cause.substring(0, LONGEST) + "…" : cause);
        }
      }
    } catch (IOException e) {
      return Optional.empty();
    }
    return Optional.empty();
  }
}
