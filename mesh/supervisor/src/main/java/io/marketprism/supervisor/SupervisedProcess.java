package io.marketprism.supervisor;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * One local OS process that MarketPrism runs: how to launch it, how to tell it is ready, how to
 * stop it.
 *
 * <p>Subclasses describe a kind of process ({@link NatsServerProcess}, {@link
 * ClickHouseServerProcess}, {@link JavaServiceProcess}); this class owns the life cycle so that the
 * {@code marketprism} command, the {@link Supervisor} and the test kit all launch, probe and stop
 * processes the same way. An instance can be started again after it stopped or crashed; each start
 * launches a new OS process.
 *
 * <p>Standalone use: {@code try (var nats = NatsServerProcess.builder(dir).build()) { nats.start();
 * ... }}.
 *
 * <p>Thread safety: {@link #start()}, {@link #stop()} and the accessors may be called from any
 * thread. The current {@link Process} is guarded by {@code this}; probing readiness and waiting for
 * exit happen outside the lock so that {@link #stop()} is never blocked behind a slow start.
 */
public abstract class SupervisedProcess implements AutoCloseable {

  private static final Duration KILL_WAIT = Duration.ofSeconds(10);
  private static final Optional<Path> SETSID = Binaries.find("setsid");

  private final String name;
  private final Path logFile;
  private final Duration readyTimeout;
  private final Duration stopGrace;

  // guarded by this
  private Process process;

  protected SupervisedProcess(
      String name, Path logFile, Duration readyTimeout, Duration stopGrace) {
    this.name = name;
    this.logFile = logFile;
    this.readyTimeout = readyTimeout;
    this.stopGrace = stopGrace;
  }

  /** The component's name, e.g. {@code nats} or {@code data-storage}. */
  public final String name() {
    return name;
  }

  /** Where stdout and stderr of the process are appended. */
  public final Path logFile() {
    return logFile;
  }

  /** How long {@link #start()} waits for the process to become ready. */
  public final Duration readyTimeout() {
    return readyTimeout;
  }

  /** How long {@link #stop()} waits after SIGTERM before it kills the process. */
  public final Duration stopGrace() {
    return stopGrace;
  }

  /**
   * Every port the process will listen on, for the conflict check that runs before anything starts.
   */
  public abstract List<PortClaim> ports();

  /** The main endpoint as {@code host:port}, for endpoint tables. */
  public abstract String address();

  /**
   * Writes whatever the process needs on disk (configuration, directories) and returns its command
   * line.
   */
  protected abstract List<String> prepareCommand() throws IOException;

  /** Extra environment variables for the process. */
  protected Map<String, String> environment() {
    return Map.of();
  }

  /** One cheap readiness probe; must not block for longer than about a second. */
  protected abstract boolean probeReady();

  /** Releases resources held for probing (channels, clients) once the process has stopped. */
  protected void afterStop() {}

  /**
   * Launches the process and waits until it is ready.
   *
   * @throws ComponentStartException if it exits before it is ready or is not ready within {@link
   *     #readyTimeout()}; the process is stopped in that case
   * @throws IllegalStateException if it is already running
   */
  public void start() throws ComponentStartException {
    Process started = launch();
    awaitReady(started);
  }

  /**
   * Waits until the process launched by {@link #launch()} is ready.
   *
   * @throws ComponentStartException as {@link #start()}
   */
  public void awaitReady() throws ComponentStartException {
    Process started;
    synchronized (this) {
      started = process;
    }
    if (started == null) {
      throw new IllegalStateException(name + " was not launched");
    }
    awaitReady(started);
  }

  /**
   * Launches the process without waiting for readiness.
   *
   * @throws ComponentStartException if the command cannot be executed
   */
  public Process launch() throws ComponentStartException {
    synchronized (this) {
      if (process != null && process.isAlive()) {
        throw new IllegalStateException(name + " is already running (pid " + process.pid() + ")");
      }
      try {
        List<String> command = new ArrayList<>();
        // In a session of its own, a Ctrl-C at the terminal reaches only the supervisor, which then
        // stops
        // its children in order, instead of every child dying at once. setsid execs in place (a
        // child
        // of the JVM is never a process-group leader), so the pid we hold stays the server's.
        SETSID.ifPresent(setsid -> command.add(setsid.toString()));
        command.addAll(prepareCommand());
        Files.createDirectories(logFile.toAbsolutePath().getParent());
        // Restarts append to the same log; a marker shows where each run begins.
        Files.writeString(
            logFile,
            "=== " + java.time.Instant.now() + " marketprism: starting " + name + " ===\n",
            StandardCharsets.UTF_8,
            java.nio.file.StandardOpenOption.CREATE,
            java.nio.file.StandardOpenOption.APPEND);
        ProcessBuilder builder =
            new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()))
                .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
        builder.environment().putAll(environment());
        process = builder.start();
        return process;
      } catch (IOException e) {
        throw new ComponentStartException(
            name, name + " could not be launched: " + e.getMessage(), e);
      }
    }
  }

  private void awaitReady(Process started) throws ComponentStartException {
    long deadline = System.nanoTime() + readyTimeout.toNanos();
    long pauseMillis = 20;
    while (true) {
      if (!started.isAlive()) {
        throw new ComponentStartException(
            name,
            name
                + " exited with code "
                + started.exitValue()
                + " before it was ready; see "
                + logFile,
            lastLogLines(20));
      }
      if (probeReady()) {
        return;
      }
      if (System.nanoTime() > deadline) {
        List<String> tail = lastLogLines(20);
        stop();
        throw new ComponentStartException(
            name,
            name + " was not ready within " + readyTimeout.toSeconds() + "s; see " + logFile,
            tail);
      }
      sleep(pauseMillis);
      pauseMillis = Math.min(pauseMillis * 2, 250);
    }
  }

  /** The running process, if there is one. */
  public synchronized Optional<Process> process() {
    return Optional.ofNullable(process).filter(Process::isAlive);
  }

  /** True while the OS process is alive (ready or not). */
  public boolean isRunning() {
    return process().isPresent();
  }

  /** True when the process is running and its readiness probe passes now. */
  public boolean isReady() {
    return isRunning() && probeReady();
  }

  /**
   * Stops the process: SIGTERM, wait up to {@link #stopGrace()}, then SIGKILL (with any child
   * processes). Returns once the process is gone. Does nothing when it is not running.
   */
  public void stop() {
    Process stopping;
    synchronized (this) {
      stopping = process;
    }
    if (stopping != null) {
      terminate(stopping.toHandle(), stopGrace);
    }
    afterStop();
  }

  /**
   * Kills the process at once with SIGKILL, as a crash would: no drain, no flush. For failover
   * tests and benchmarks; returns once the process is gone.
   */
  public void kill() {
    Process killing;
    synchronized (this) {
      killing = process;
    }
    if (killing != null && killing.isAlive()) {
      killing.destroyForcibly();
      try {
        killing.onExit().get(KILL_WAIT.toMillis(), TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } catch (Exception stillAlive) {
        // reported by isRunning()
      }
    }
  }

  @Override
  public void close() {
    stop();
  }

  /**
   * Stops a process the way {@link #stop()} does: SIGTERM, wait up to {@code grace}, then SIGKILL
   * for it and its descendants. Also used on processes recorded by an earlier run whose supervisor
   * is gone.
   *
   * @return true when the process is gone
   */
  public static boolean terminate(ProcessHandle handle, Duration grace) {
    if (!handle.isAlive()) {
      return true;
    }
    List<ProcessHandle> descendants = handle.descendants().toList();
    handle.destroy();
    try {
      handle.onExit().get(grace.toMillis(), TimeUnit.MILLISECONDS);
    } catch (Exception timedOutOrInterrupted) {
      handle.destroyForcibly();
      descendants.forEach(ProcessHandle::destroyForcibly);
      try {
        handle.onExit().get(KILL_WAIT.toMillis(), TimeUnit.MILLISECONDS);
      } catch (Exception stillAlive) {
        return !handle.isAlive();
      }
    }
    descendants.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
    return !handle.isAlive();
  }

  /** The last {@code count} lines of {@link #logFile()}, or none if it does not exist. */
  public List<String> lastLogLines(int count) {
    return tail(logFile, count);
  }

  /** The last {@code count} lines of a text file, read from its end so large logs cost little. */
  public static List<String> tail(Path file, int count) {
    if (!Files.isRegularFile(file) || count <= 0) {
      return List.of();
    }
    try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "r")) {
      long length = raf.length();
      long from = Math.max(0, length - 64L * 1024);
      byte[] bytes = new byte[(int) (length - from)];
      raf.seek(from);
      raf.readFully(bytes);
      String text = new String(bytes, StandardCharsets.UTF_8);
      Deque<String> lines = new ArrayDeque<>();
      for (String line : text.split("\n", -1)) {
        lines.addLast(line);
        if (lines.size() > count + 1) {
          lines.removeFirst();
        }
      }
      if (!lines.isEmpty() && lines.peekLast().isEmpty()) {
        lines.removeLast();
      }
      while (lines.size() > count) {
        lines.removeFirst();
      }
      return new ArrayList<>(lines);
    } catch (IOException e) {
      return List.of("(could not read " + file + ": " + e.getMessage() + ")");
    }
  }

  static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  @Override
  public String toString() {
    return name + "@" + address();
  }
}
