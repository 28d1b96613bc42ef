package io.marketprism.launcher;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine;

/** Runs the real {@code marketprism} command line in this JVM and captures what it prints. */
record CommandRun(int exitCode, String out, String err) {

  /**
   * The repository root, handed over by the build (the launcher finds service modules under it).
   */
  static Path repository() {
    return Path.of(System.getProperty("marketprism.root", "../..")).toAbsolutePath().normalize();
  }

  static CommandRun run(Path workspace, Path config, String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine commandLine = MarketPrismCommand.commandLine();
    commandLine.setOut(new PrintWriter(out, true));
    commandLine.setErr(new PrintWriter(err, true));
    List<String> arguments = new ArrayList<>(List.of(args));
    arguments.addAll(
        List.of(
            "--root",
            repository().toString(),
            "--workspace",
            workspace.toString(),
            "--config",
            config.toString()));
    int exitCode = commandLine.execute(arguments.toArray(String[]::new));
    return new CommandRun(exitCode, out.toString(), err.toString());
  }
}
