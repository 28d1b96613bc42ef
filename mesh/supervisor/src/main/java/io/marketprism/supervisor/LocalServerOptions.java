package io.marketprism.supervisor;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * The options every local server process shares (NATS, ClickHouse): where it keeps its files, its
 * name, its executable, its log, and how long to wait for it to start and stop. Subclasses add
 * their ports and limits.
 *
 * @param <B> the concrete builder, so that chained calls keep its type
 */
public abstract class LocalServerOptions<B extends LocalServerOptions<B>> {

  final Path directory;
  String name;
  Path binary;
  Path logFile;
  Duration readyTimeout;
  Duration stopGrace;

  LocalServerOptions(Path directory, String name, Duration readyTimeout, Duration stopGrace) {
    this.directory = Objects.requireNonNull(directory, "directory");
    this.name = name;
    this.readyTimeout = readyTimeout;
    this.stopGrace = stopGrace;
  }

  /** The component name in logs and events (default: the server's own name). */
  public B name(String name) {
    this.name = name;
    return self();
  }

  /** The executable; found with {@link Binaries#require} when not set. */
  public B binary(Path binary) {
    this.binary = binary;
    return self();
  }

  /** Where the server's output goes; a file in the server's directory when not set. */
  public B logFile(Path logFile) {
    this.logFile = logFile;
    return self();
  }

  public B readyTimeout(Duration readyTimeout) {
    this.readyTimeout = readyTimeout;
    return self();
  }

  public B stopGrace(Duration stopGrace) {
    this.stopGrace = stopGrace;
    return self();
  }

  /** The log file, or {@code defaultName} in the server's directory. */
  Path logFileOr(String defaultName) {
    return logFile != null ? logFile : directory.resolve(defaultName);
  }

  /**
   * Resolves the executable when none was given.
   *
   * @throws MissingBinaryException when none is installed
   */
  void requireBinary(String command) {
    if (binary == null) {
      binary = Binaries.require(command);
    }
  }

  @SuppressWarnings("unchecked")
  private B self() {
    return (B) this;
  }
}
