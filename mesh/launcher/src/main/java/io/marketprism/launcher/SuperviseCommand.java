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
  static final String NATS_CLUSTER = "--nats-cluster";

  @ParentCommand MarketPrismCommand parent;

  @Option(names = NO_MESH, description = "Run without the mesh (as `up --no-mesh`).")
  boolean noMesh;

  @Option(names = NATS_CLUSTER, description = "NATS cluster members (as `up --nats-cluster`).")
  Integer natsCluster;

  @Override
  public Integer call() {
    Workspace workspace = parent.workspace();
    LauncherConfig config = withCluster(parent.loadConfig(workspace), natsCluster);
    boolean mesh = config.mesh().enabled() && !noMesh;
    return new SupervisorRun(config, workspace, mesh, System.out).run();
  }

  /** {@code config} with the {@code --nats-cluster} size when one was given. */
  static LauncherConfig withCluster(LauncherConfig config, Integer natsCluster) {
    return natsCluster == null ? config : config.withNatsCluster(natsCluster);
  }
}
