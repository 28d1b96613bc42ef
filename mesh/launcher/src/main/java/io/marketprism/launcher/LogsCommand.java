package io.marketprism.launcher;

import io.marketprism.supervisor.SupervisedProcess;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code marketprism logs <component> [-f] [-n N]}: a component's log from {@code
 * .marketprism/logs/}.
 */
@Command(
    name = "logs",
    mixinStandardHelpOptions = true,
    description = "Prints a component's log (a service, nats, clickhouse or supervisor).")
final class LogsCommand implements Callable<Integer> {

  @ParentCommand MarketPrismCommand parent;

  @Spec CommandSpec spec;

  @Parameters(
      index = "0",
      paramLabel = "COMPONENT",
      description = "A service name, nats, clickhouse or supervisor.")
  String component;

  @Option(
      names = {"-f", "--follow"},
      description = "Keep printing new lines until interrupted.")
  boolean follow;

  @Option(
      names = {"-n", "--lines"},
      paramLabel = "N",
      defaultValue = "50",
      description = "Lines to show (default 50).")
  int lines;

  @Override
  public Integer call() throws Exception {
    List<String> known = new ArrayList<>(List.of(MeshPlan.NATS, MeshPlan.CLICKHOUSE, "supervisor"));
    known.addAll(ServiceCatalog.names());
    if (!known.contains(component)) {
      throw new LauncherException(
          "unknown component '" + component + "'; choose one of " + String.join(", ", known));
    }
    if (lines < 0) {
      throw new LauncherException("-n must not be negative");
    }
    Path file = parent.workspace().logFile(component);
    PrintWriter out = spec.commandLine().getOut();
    if (!Files.exists(file) && !follow) {
      throw new LauncherException("no log yet for " + component + " (" + file + ")");
    }
    SupervisedProcess.tail(file, lines).forEach(out::println);
    out.flush();
    if (follow) {
      follow(file, out);
    }
    return 0;
  }

  /**
   * Prints what is appended to {@code file}; starts over when the file shrinks (rotated or
   * recreated).
   */
  private static void follow(Path file, PrintWriter out) throws IOException, InterruptedException {
    long position = Files.exists(file) ? Files.size(file) : 0;
    while (!Thread.currentThread().isInterrupted()) {
      long size = Files.exists(file) ? Files.size(file) : 0;
      if (size < position) {
        position = 0;
      }
      if (size > position) {
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "r")) {
          raf.seek(position);
          byte[] bytes = new byte[(int) Math.min(size - position, 1 << 20)];
          raf.readFully(bytes);
          position += bytes.length;
          out.print(new String(bytes, StandardCharsets.UTF_8));
          out.flush();
        }
      } else {
        Thread.sleep(250);
      }
    }
  }
}
