package io.marketprism.testkit;

import io.marketprism.supervisor.ComponentStartException;
import io.marketprism.supervisor.SupervisedProcess;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.function.Function;
import java.util.stream.Stream;

/**
 * One server process started for tests, with the temporary directory it lives in. Closing it (JUnit
 * does, at the end of the run, because it sits in the root store) stops the process and deletes the
 * directory; a shutdown hook does the same if the JVM ends without closing it.
 *
 * <p>Thread safety: {@link #close()} may race with the shutdown hook; both go through the
 * synchronized {@link #cleanUp()}, which runs once.
 */
final class LocalServer<T> implements AutoCloseable {

  private final SupervisedProcess process;
  private final Path directory;
  private final T handle;
  private final Thread shutdownHook;
  private boolean cleanedUp; // guarded by this

  private LocalServer(SupervisedProcess process, Path directory, T handle) {
    this.process = process;
    this.directory = directory;
    this.handle = handle;
    this.shutdownHook = new Thread(this::cleanUp, "testkit-stop-" + process.name());
  }

  /**
   * Creates a temporary directory, builds the process in it and starts it.
   *
   * @param factory builds the process for the directory and returns it with the handle tests
   *     receive
   */
  static <T> LocalServer<T> start(String prefix, Function<Path, Started<T>> factory) {
    Path directory;
    try {
      directory = Files.createTempDirectory(prefix);
    } catch (IOException e) {
      throw new UncheckedIOException("could not create a temporary directory for " + prefix, e);
    }
    Started<T> started;
    try {
      started = factory.apply(directory);
    } catch (RuntimeException e) {
      deleteRecursively(directory);
      throw e;
    }
    LocalServer<T> server = new LocalServer<>(started.process(), directory, started.handle());
    Runtime.getRuntime().addShutdownHook(server.shutdownHook);
    try {
      started.process().start();
    } catch (ComponentStartException e) {
      String log = String.join("\n  ", e.logTail());
      server.close();
      throw new IllegalStateException(
          "could not start "
              + started.process().name()
              + " for tests: "
              + e.getMessage()
              + (log.isEmpty() ? "" : "\n  " + log),
          e);
    }
    return server;
  }

  T handle() {
    return handle;
  }

  @Override
  public void close() {
    cleanUp();
    try {
      Runtime.getRuntime().removeShutdownHook(shutdownHook);
    } catch (IllegalStateException shuttingDown) {
      // the hook is running or about to; cleanUp() ran already and is idempotent
    }
  }

  private synchronized void cleanUp() {
    if (cleanedUp) {
      return;
    }
    cleanedUp = true;
    process.stop();
    deleteRecursively(directory);
  }

  /** Deletes {@code directory} and everything in it; a failure is reported on stderr, not thrown. */
  static void deleteRecursively(Path directory) {
    if (!Files.exists(directory)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(directory)) {
      paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
    } catch (IOException e) {
      System.err.println("testkit: could not delete " + directory + ": " + e.getMessage());
    }
  }

  /** A process that has been built but not started, and what tests will see of it. */
  record Started<T>(SupervisedProcess process, T handle) {}
}
