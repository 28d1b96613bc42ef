package io.marketprism.launcher;

import io.marketprism.supervisor.ComponentStartException;
import io.marketprism.supervisor.MissingBinaryException;
import io.marketprism.supervisor.PortConflictException;
import java.nio.file.Path;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/**
 * {@code marketprism} — runs MarketPrism locally: {@code up [--detach] [--no-mesh]}, {@code down},
 * {@code status [--json]}, {@code logs <component> [-f] [-n N]}, {@code pki issue --name NAME --out
 * DIR}, {@code token --role R}, {@code apikey create|revoke|list}, {@code bench [--quick] [--only MODULE]}.
 * Started by the {@code ./marketprism} script at the repository root.
 */
@Command(
    name = "marketprism",
    mixinStandardHelpOptions = true,
    versionProvider = MarketPrismCommand.Version.class,
    description = "Runs MarketPrism locally: NATS, ClickHouse and every service, supervised.",
    subcommands = {
      UpCommand.class,
      DownCommand.class,
      StatusCommand.class,
      LogsCommand.class,
      NormalizeCommand.class,
      PkiCommand.class,
      TokenCommand.class,
      ApiKeyCommand.class,
      BenchCommand.class,
      SuperviseCommand.class,
      CommandLine.HelpCommand.class
    })
public final class MarketPrismCommand {

  @Option(
      names = "--root",
      scope = ScopeType.INHERIT,
      paramLabel = "DIR",
      description =
          "The repository (default: $MARKETPRISM_ROOT, else found from the current directory).")
  Path root;

  @Option(
      names = "--config",
      scope = ScopeType.INHERIT,
      paramLabel = "FILE",
      description = "Settings file (default: <root>/marketprism.yaml; optional).")
  Path config;

  @Option(
      names = "--workspace",
      scope = ScopeType.INHERIT,
      paramLabel = "DIR",
      description = "Where data, logs and run files go (default: <root>/.marketprism).")
  Path workspace;

  public static void main(String[] args) {
    // stdout is the command's output (status --json, normalize); any library logging goes to
    // stderr.
    if (System.getProperty("MARKETPRISM_LOG_TARGET") == null
        && System.getenv("MARKETPRISM_LOG_TARGET") == null) {
      System.setProperty("MARKETPRISM_LOG_TARGET", "System.err");
    }
    System.exit(commandLine().execute(args));
  }

  /**
   * The command line with MarketPrism's error handling: operator errors print one message, exit 1.
   */
  public static CommandLine commandLine() {
    CommandLine commandLine = new CommandLine(new MarketPrismCommand());
    commandLine.setExecutionExceptionHandler(
        (exception, cmd, parseResult) -> {
          if (isOperatorError(exception)) {
            cmd.getErr().println("marketprism: " + exception.getMessage());
            if (exception instanceof ComponentStartException start) {
              start.logTail().forEach(line -> cmd.getErr().println("  | " + line));
            }
            cmd.getErr().flush();
            return 1;
          }
          throw exception;
        });
    return commandLine;
  }

  private static boolean isOperatorError(Exception exception) {
    return exception instanceof LauncherException
        || exception instanceof PortConflictException
        || exception instanceof MissingBinaryException
        || exception instanceof ComponentStartException;
  }

  Workspace workspace() {
    Path repository =
        (root != null ? root : Workspace.findRepository()).toAbsolutePath().normalize();
    Path directory =
        workspace != null
            ? workspace.toAbsolutePath().normalize()
            : repository.resolve(".marketprism");
    return new Workspace(repository, directory);
  }

  Path configFile(Workspace resolved) {
    return config != null
        ? config.toAbsolutePath().normalize()
        : resolved.repository().resolve("marketprism.yaml");
  }

  LauncherConfig loadConfig(Workspace resolved) {
    Path file = configFile(resolved);
    if (config != null && !java.nio.file.Files.exists(file)) {
      throw new ConfigException(file + " does not exist");
    }
    return ConfigLoader.load(file);
  }

  /** {@code --version}: the project version. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      return new String[] {"marketprism " + LauncherVersion.get()};
    }
  }
}
