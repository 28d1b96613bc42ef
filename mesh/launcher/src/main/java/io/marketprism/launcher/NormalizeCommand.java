package io.marketprism.launcher;

import io.marketprism.collector.normalize.NormalizeSession;
import java.io.BufferedReader;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code marketprism normalize --exchange binance|okx|deribit}: raw exchange frames on stdin, one
 * per line, to one JSON line per normalized event on stdout; unusable frames, gaps and checksum
 * mismatches as {@code line N: reason} on stderr. The parsing and book code is the collector's own
 * ({@link NormalizeSession}), not a copy.
 */
@Command(
    name = "normalize",
    mixinStandardHelpOptions = true,
    description =
        "Normalizes raw exchange frames (stdin, one per line) into MarketEvent JSON lines"
            + " (stdout).")
final class NormalizeCommand implements Callable<Integer> {

  @Option(
      names = "--exchange",
      required = true,
      paramLabel = "EXCHANGE",
      description = "binance, okx or deribit: whose frames stdin carries.")
  String exchange;

  private final InputStream stdin;
  private final PrintStream stdout;
  private final PrintStream stderr;

  NormalizeCommand() {
    // Large inputs: a buffered, non-autoflushing stdout is several times faster than System.out's
    // line flushing.
    this(
        System.in,
        new PrintStream(new FileOutputStream(FileDescriptor.out), false, StandardCharsets.UTF_8),
        System.err);
  }

  NormalizeCommand(InputStream stdin, PrintStream stdout, PrintStream stderr) {
    this.stdin = stdin;
    this.stdout = stdout;
    this.stderr = stderr;
  }

  @Override
  public Integer call() {
    BufferedReader in =
        new BufferedReader(new InputStreamReader(stdin, StandardCharsets.UTF_8), 1 << 16);
    try {
      return NormalizeSession.run(exchange, in, stdout, stderr);
    } finally {
      stdout.flush();
      stderr.flush();
    }
  }
}
