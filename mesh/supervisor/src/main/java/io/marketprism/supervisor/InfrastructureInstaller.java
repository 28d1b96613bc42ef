package io.marketprism.supervisor;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Makes sure {@code nats-server} and {@code clickhouse-server} are installed, installing them from
 * the distribution's packages when this process runs as root, and otherwise saying exactly what to
 * run.
 */
public final class InfrastructureInstaller {

  private final PrintStream progress;

  /**
   * @param progress where apt-get's output and our own progress lines go
   */
  public InfrastructureInstaller(PrintStream progress) {
    this.progress = progress;
  }

  /**
   * Returns when both servers are installed.
   *
   * @throws MissingBinaryException when a server is missing and this process is not root (the
   *     message holds the {@code sudo apt-get install} command), or when the installation failed
   */
  public void ensureInstalled() {
    List<String> missing =
        Binaries.PACKAGES.stream().filter(name -> Binaries.find(name).isEmpty()).toList();
    if (missing.isEmpty()) {
      return;
    }
    if (!isRoot()) {
      throw new MissingBinaryException(
          String.join(" and ", missing)
              + " "
              + (missing.size() == 1 ? "is" : "are")
              + " not installed. Install with:\n  "
              + Binaries.INSTALL_COMMAND);
    }
    progress.println("installing " + String.join(", ", missing) + " with apt-get (first run)...");
    run(List.of("apt-get", "update"));
    run(List.of("apt-get", "install", "-y", "nats-server", "clickhouse-server"));
    List<String> stillMissing =
        Binaries.PACKAGES.stream().filter(name -> Binaries.find(name).isEmpty()).toList();
    if (!stillMissing.isEmpty()) {
      throw new MissingBinaryException(
          "apt-get finished but "
              + String.join(", ", stillMissing)
              + " is still not found on PATH, /usr/sbin or /usr/bin");
    }
  }

  private void run(List<String> command) {
    progress.println("$ " + String.join(" ", command));
    try {
      ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
      builder.environment().put("DEBIAN_FRONTEND", "noninteractive");
      Process process = builder.start();
      process.getOutputStream().close();
      process.getInputStream().transferTo(progress);
      int exit = process.waitFor();
      if (exit != 0) {
        throw new MissingBinaryException(
            "`" + String.join(" ", command) + "` failed with exit code " + exit);
      }
    } catch (IOException e) {
      throw new MissingBinaryException(
          "could not run `" + String.join(" ", command) + "`: " + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new MissingBinaryException(
          "interrupted while running `" + String.join(" ", command) + "`");
    }
  }

  /** True when this process runs with user id 0. */
  public static boolean isRoot() {
    try {
      return ((Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid")) == 0;
    } catch (IOException | UnsupportedOperationException e) {
      return "root".equals(System.getProperty("user.name"));
    }
  }
}
