package io.marketprism.supervisor;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Finds the server executables MarketPrism runs. Debian installs {@code nats-server} and {@code
 * clickhouse-server} into {@code /usr/sbin}, which is not on a normal user's {@code PATH}, so that
 * and {@code /usr/bin} are searched after {@code PATH}.
 */
public final class Binaries {

  /** The Debian packages that provide the servers, in the order an install command names them. */
  public static final List<String> PACKAGES = List.of("nats-server", "clickhouse-server");

  /** The command an operator without root runs to install what is missing. */
  public static final String INSTALL_COMMAND =
      "sudo apt-get install -y nats-server clickhouse-server";

  private static final List<Path> EXTRA_DIRS =
      List.of(
          Path.of("/usr/sbin"),
          Path.of("/usr/bin"),
          Path.of("/usr/local/bin"),
          Path.of("/usr/local/sbin"));

  private Binaries() {}

  /** The executable called {@code name}, searching {@code PATH} then the system directories. */
  public static Optional<Path> find(String name) {
    List<Path> dirs = new ArrayList<>();
    String path = System.getenv("PATH");
    if (path != null) {
      for (String dir : path.split(File.pathSeparator)) {
        if (!dir.isEmpty()) {
          dirs.add(Path.of(dir));
        }
      }
    }
    dirs.addAll(EXTRA_DIRS);
    return dirs.stream()
        .map(dir -> dir.resolve(name))
        .filter(candidate -> Files.isRegularFile(candidate) && Files.isExecutable(candidate))
        .findFirst();
  }

  /**
   * The executable called {@code name}.
   *
   * @throws MissingBinaryException saying how to install it
   */
  public static Path require(String name) {
    return find(name)
        .orElseThrow(
            () ->
                new MissingBinaryException(
                    name
                        + " is not installed (searched PATH, "
                        + "/usr/sbin, /usr/bin, /usr/local/bin). Install it with: "
                        + INSTALL_COMMAND));
  }
}
