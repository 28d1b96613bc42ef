package io.marketprism.clients.polyglot;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The {@code ./marketprism} command, run as a user runs it, on one workspace and settings file. */
final class Marketprism {

  private Marketprism() {}

  /** The repository root, handed over by the build. */
  static Path repository() {
    return Path.of(System.getProperty("marketprism.root", "../..")).toAbsolutePath().normalize();
  }

  /** Runs {@code ./marketprism <args> --workspace .. --config ..}; fails with what it printed unless it exits 0. */
  static ProcessRun run(Path workspace, Path config, Duration limit, String... args)
      throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of(repository().resolve("marketprism").toString()));
    command.addAll(List.of(args));
    command.addAll(List.of("--workspace", workspace.toString(), "--config", config.toString()));
    ProcessRun run = ProcessRun.run(command, repository(), Map.of(), limit);
    if (run.exitCode() != 0) {
      throw new AssertionError(run.toString());
    }
    return run;
  }
}
