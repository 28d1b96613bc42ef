package io.marketprism.clients.polyglot;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One run of a command as its own process (a client example, ./marketprism), with its output.
 *
 * @param command what ran
 * @param exitCode its exit code, or -1 if it was stopped for running too long
 * @param out its standard output
 * @param err its standard error
 */
record ProcessRun(List<String> command, int exitCode, String out, String err) {

  /** Runs {@code command} in {@code directory} with {@code environment} added; stops it after {@code limit}. */
  static ProcessRun run(List<String> command, Path directory, Map<String, String> environment, Duration limit)
      throws IOException, InterruptedException {
    Path out = Files.createTempFile("client-", ".out");
    Path err = Files.createTempFile("client-", ".err");
    try {
      ProcessBuilder builder = new ProcessBuilder(command).directory(directory.toFile())
          .redirectOutput(out.toFile()).redirectError(err.toFile());
      builder.environment().putAll(environment);
      Process process = builder.start();
      int exitCode = -1;
      if (process.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS)) {
        exitCode = process.exitValue();
      } else {
        process.destroyForcibly().waitFor();
      }
      return new ProcessRun(command, exitCode, Files.readString(out, StandardCharsets.UTF_8),
          Files.readString(err, StandardCharsets.UTF_8));
    } finally {
      Files.deleteIfExists(out);
      Files.deleteIfExists(err);
    }
  }

  /** Its non-empty output lines. */
  List<String> lines() {
    return out.lines().filter(line -> !line.isBlank()).toList();
  }

  @Override
  public String toString() {
    return String.join(" ", command) + " exited " + exitCode + "\nstdout:\n" + out + "\nstderr:\n" + err;
  }
}
