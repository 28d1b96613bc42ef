package io.marketprism.launcher;

import io.marketprism.launcher.LauncherConfig.ServiceSettings;
import io.marketprism.supervisor.InfrastructureInstaller;
import io.marketprism.supervisor.JavaServiceProcess;
import io.marketprism.supervisor.PortCheck;
import io.marketprism.supervisor.SupervisedProcess;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code marketprism up [--detach] [--no-mesh]}: installs the servers if needed, starts NATS,
 * ClickHouse and every service in dependency order, and supervises them. In the foreground it runs
 * until Ctrl-C; with {@code --detach} it starts a background supervisor and returns once every
 * service is SERVING. The services run in the xDS mesh (mTLS as the mesh policy says, STRICT by
 * default) unless {@code --no-mesh} or {@code mesh.enabled: false}, for debugging with plaintext
 * direct addresses.
 */
@Command(
    name = "up",
    mixinStandardHelpOptions = true,
    description =
        "Starts NATS, ClickHouse and every service — in the xDS mesh with mTLS unless --no-mesh —"
            + " and keeps them running.")
final class UpCommand implements Callable<Integer> {

  /**
   * Longest a detached start may take before the command stops waiting (each component has its own
   * limit).
   */
  private static final Duration DETACH_TIMEOUT = Duration.ofMinutes(15);

  private static final int LOG_LINES_ON_FAILURE = 30;

  @ParentCommand MarketPrismCommand parent;

  @Spec CommandSpec spec;

  @Option(
      names = {"-d", "--detach"},
      description = "Run in the background; return once every service is SERVING.")
  boolean detach;

  @Option(
      names = "--no-mesh",
      description =
          "Run without the mesh: plaintext gRPC, services dial each other's direct addresses (for"
              + " debugging).")
  boolean noMesh;

  @Option(
      names = SuperviseCommand.NATS_CLUSTER,
      paramLabel = "N",
      description =
          "Run N nats-server members as one JetStream cluster (ports from nats.port, nats.monitor-port,"
              + " nats.route-port upward); streams and buckets get min(N, 3) replicas.")
  Integer natsCluster;

  @Override
  public Integer call() throws Exception {
    Workspace workspace = parent.workspace();
    LauncherConfig config = SuperviseCommand.withCluster(parent.loadConfig(workspace), natsCluster);
    PrintWriter out = spec.commandLine().getOut();
    Optional<ProcessHandle> running = RunningSupervisor.find(workspace);
    if (running.isPresent()) {
      return alreadyRunning(workspace, running.get(), out);
    }
    boolean mesh = config.mesh().enabled() && !noMesh;
    if (mesh) {
      MeshPlan.requireMeshRunnable(config, workspace);
    }
    new InfrastructureInstaller(System.err).ensureInstalled();
    requireBuilt(config, workspace);
    PortCheck.requireFree(MeshPlan.portClaims(config, mesh));
    prepareWorkspace(workspace);
    Files.deleteIfExists(workspace.stateFile());
    if (!detach) {
      return new SupervisorRun(config, workspace, mesh, System.out).run();
    }
    return startDetached(workspace, out);
  }

  /**
   * What the services expect to find in the workspace before they start: the log directory, the gateway's JWT key and
   * API key file, the config center's secret key. Idempotent: existing files are kept.
   */
  static void prepareWorkspace(Workspace workspace) throws IOException {
    Files.createDirectories(workspace.logDirectory());
    GatewaySecrets.ensure(workspace);
    ConfigCenterSecrets.ensure(workspace);
  }

  private int alreadyRunning(Workspace workspace, ProcessHandle supervisor, PrintWriter out) {
    Optional<RunState> state = RunState.read(workspace.stateFile());
    if (detach && state.map(RunState::phase).filter(RunState.RUNNING::equals).isPresent()) {
      out.println("MarketPrism is already running (supervisor pid " + supervisor.pid() + ").");
      out.print(StatusReport.probe(state.get(), StatusProbe.LIVE).toTable());
      out.flush();
      return 0;
    }
    throw new LauncherException(
        "MarketPrism is already running (supervisor pid "
            + supervisor.pid()
            + ", "
            + state.map(RunState::phase).orElse("state unknown")
            + "); run `./marketprism down` first");
  }

  /** Fails early, naming the module, when a service has not been built. */
  private static void requireBuilt(LauncherConfig config, Workspace workspace) {
    List<String> missing = new ArrayList<>();
    for (ServiceSettings service : config.enabledServices()) {
      try {
        JavaServiceProcess.Classpath.ofModule(
                workspace.repository().resolve(service.definition().moduleDir()),
                service.definition().artifactId(),
                LauncherVersion.get())
            .resolve();
      } catch (IOException e) {
        missing.add(service.definition().moduleDir());
      }
    }
    if (!missing.isEmpty()) {
      throw new LauncherException(
          "not built: "
              + String.join(", ", missing)
              + ". Build with: mvn -B -q -DskipTests install (the ./marketprism script does this on"
              + " first run)");
    }
  }

  private int startDetached(Workspace workspace, PrintWriter out)
      throws IOException, InterruptedException {
    Path supervisorLog = workspace.logFile("supervisor");
    List<String> command = new ArrayList<>();
    Path setsid = Path.of("/usr/bin/setsid");
    if (Files.isExecutable(setsid)) {
      command.add(
          setsid.toString()); // its own session: the terminal's Ctrl-C and hang-up do not reach it
    }
    command.addAll(
        List.of(
            Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-Xmx128m",
            "-XX:+UseSerialGC",
            "-cp",
            System.getProperty("java.class.path"),
            MarketPrismCommand.class.getName(),
            "supervise",
            "--root",
            workspace.repository().toString(),
            "--workspace",
            workspace.directory().toString()));
    if (noMesh) {
      command.add(SuperviseCommand.NO_MESH);
    }
    if (natsCluster != null) {
      command.addAll(List.of(SuperviseCommand.NATS_CLUSTER, natsCluster.toString()));
    }
    if (parent.config != null) {
      // only an explicit file: the default marketprism.yaml is optional, an explicit one must exist
      command.addAll(List.of("--config", parent.configFile(workspace).toString()));
    }
    Process supervisor =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(supervisorLog.toFile()))
            .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
            .start();
    out.println(
        "starting MarketPrism in the background (supervisor pid "
            + supervisor.pid()
            + ", log "
            + supervisorLog
            + ")");
    out.flush();
    return awaitDetachedStart(workspace, supervisor, out);
  }

  private int awaitDetachedStart(Workspace workspace, Process supervisor, PrintWriter out)
      throws InterruptedException {
    Map<String, String> shown = new HashMap<>();
    long deadline = System.nanoTime() + DETACH_TIMEOUT.toNanos();
    while (System.nanoTime() < deadline) {
      Optional<RunState> state =
          RunState.read(workspace.stateFile())
              .filter(candidate -> candidate.supervisorPid() == supervisor.pid());
      state.ifPresent(current -> showProgress(current, shown, out));
      String phase = state.map(RunState::phase).orElse("");
      if (phase.equals(RunState.RUNNING)) {
        out.println();
        out.print(StatusReport.probe(state.get(), StatusProbe.LIVE).toTable());
        out.println();
        out.println("MarketPrism is running in the background. `./marketprism down` stops it.");
        out.flush();
        return 0;
      }
      if (phase.equals(RunState.FAILED)) {
        return reportFailure(workspace, state.get(), supervisor, out);
      }
      if (!supervisor.isAlive()) {
        out.println(
            "the supervisor exited (code "
                + supervisor.exitValue()
                + ") before everything was up; "
                + "last lines of "
                + workspace.logFile("supervisor")
                + ":");
        SupervisedProcess.tail(workspace.logFile("supervisor"), LOG_LINES_ON_FAILURE)
            .forEach(line -> out.println("  | " + line));
        out.flush();
        return 1;
      }
      Thread.sleep(250);
    }
    out.println(
        "MarketPrism did not come up within "
            + DETACH_TIMEOUT.toMinutes()
            + " minutes; it is still trying in the background. See `./marketprism status`, or stop"
            + " it with `./marketprism down`.");
    out.flush();
    return 1;
  }

  private static void showProgress(RunState state, Map<String, String> shown, PrintWriter out) {
    for (ComponentState component : state.components()) {
      String previous = shown.put(component.name(), component.status());
      if (!component.status().equals(previous) && !component.status().equals("PENDING")) {
        out.printf(
            "  %-22s %-10s %s%n",
            component.name(),
            component.status(),
            component.message() == null ? "" : component.message());
      }
    }
    out.flush();
  }

  private static int reportFailure(
      Workspace workspace, RunState state, Process supervisor, PrintWriter out)
      throws InterruptedException {
    out.println("start-up failed: " + state.message());
    String failed = state.failedComponent();
    if (failed != null) {
      Path log = workspace.logFile(failed);
      out.println("last lines of " + log + ":");
      SupervisedProcess.tail(log, LOG_LINES_ON_FAILURE).forEach(line -> out.println("  | " + line));
    }
    out.flush();
    // The supervisor stops what it started before it exits; wait so nothing is left when we return.
    supervisor.waitFor();
    return 1;
  }
}
