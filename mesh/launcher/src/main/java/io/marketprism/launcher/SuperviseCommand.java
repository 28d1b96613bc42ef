package io.marketprism.launcher;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** The background supervisor {@code up --detach} starts; not meant to be typed by people. */
@Command(
    name = "supervise",
    hidden = true,
    description = "Runs the supervisor in this process until SIGTERM.")
final class SuperviseCommand implements Callable<Integer> {

  static final String NO_MESH = "--no-mesh";

  @ParentCommand MarketPrismCommand parent;

  @Option(names = NO_MESH, description = "Run without the mesh (as `up --no-mesh`).")
  boolean noMesh;

  @Override
  public Integer call() {
    Workspace workspace = parent.workspace();
    LauncherConfig config = parent.loadConfig(workspace);
    boolean mesh = config.mesh().enabled() && !noMesh;
    return new SupervisorRun(config, workspace, mesh, System.out).run();
  }
}
