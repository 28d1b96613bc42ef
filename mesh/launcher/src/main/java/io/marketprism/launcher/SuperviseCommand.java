package io.marketprism.launcher;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.ParentCommand;

/** The background supervisor {@code up --detach} starts; not meant to be typed by people. */
@Command(
    name = "supervise",
    hidden = true,
    description = "Runs the supervisor in this process until SIGTERM.")
final class SuperviseCommand implements Callable<Integer> {

  @ParentCommand MarketPrismCommand parent;

  @Override
  public Integer call() {
    Workspace workspace = parent.workspace();
    return new SupervisorRun(parent.loadConfig(workspace), workspace, System.out).run();
  }
}
