package io.marketprism.launcher.bench;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads a Maven run's output line by line and says when a test class starts and ends, whether it failed, the
 * exception a failed test method gave, and which module's build failed: the progress of one {@code mvn test} over
 * every module. Surefire prints a class's summary line first and its failed methods' exceptions after it.
 */
final class SurefireOutput {
  private static final Pattern RUNNING = Pattern.compile("^\\[INFO\\] Running (\\S+)$");
  private static final Pattern FINISHED = Pattern.compile(
      "^\\[(?:INFO|WARNING|ERROR)\\] Tests run: \\d+, Failures: (\\d+), Errors: (\\d+), Skipped: \\d+.* -- in (\\S+)$");
  /** A failed test method; surefire prints its exception on the next line. */
  private static final Pattern METHOD_FAILED =
      Pattern.compile("^\\[ERROR\\] \\S+ -- Time elapsed.*<<< (?:FAILURE|ERROR)!$");
  private static final Pattern BUILD_FAILED =
      Pattern.compile("^\\[ERROR\\] Failed to execute goal .* on project (\\S+?): (.*)$");
  private static final int LONGEST = 240;

  /** Something the output said. */
  sealed interface Event {}

  /** A test class started. */
  record Started(String simpleName) implements Event {}

  /** A test class ended. */
  record Finished(String simpleName, boolean failed) implements Event {}

  /** The exception of a failed test method, which belongs to the class that last {@link Finished} failed. */
  record Cause(String text) implements Event {}

  /** A module's build failed (e.g. it did not compile). */
  record ModuleFailed(String artifactId, String cause) implements Event {}

  private boolean causeFollows;

  /** What {@code line} says, if anything. */
  Optional<Event> accept(String line) {
    String text = line.strip();
    if (causeFollows) {
      causeFollows = false;
      if (!text.isEmpty()) {
        return Optional.of(new Cause(shorten(text)));
      }
    }
    Matcher running = RUNNING.matcher(text);
    if (running.matches()) {
      return Optional.of(new Started(simpleName(running.group(1))));
    }
    if (METHOD_FAILED.matcher(text).matches()) {
      causeFollows = true;
      return Optional.empty();
    }
    Matcher finished = FINISHED.matcher(text);
    if (finished.matches()) {
      boolean failed = Integer.parseInt(finished.group(1)) + Integer.parseInt(finished.group(2)) > 0;
      return Optional.of(new Finished(simpleName(finished.group(3)), failed));
    }
    Matcher build = BUILD_FAILED.matcher(text);
    if (build.matches()) {
      return Optional.of(new ModuleFailed(build.group(1), shorten(build.group(2))));
    }
    return Optional.empty();
  }

  private static String shorten(String text) {
    return text.length() > LONGEST ? text.substring(0, LONGEST) + "…" : text;
  }

  private static String simpleName(String className) {
    return className.substring(className.lastIndexOf('.') + 1);
  }
}
