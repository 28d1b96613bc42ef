package io.marketprism.launcher;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code marketprism status [--json]}: every component with its live health. */
@Command(
    name = "status",
    mixinStandardHelpOptions = true,
    description = "Shows every component and its live health.")
final class StatusCommand implements Callable<Integer> {

  @ParentCommand MarketPrismCommand parent;

  @Spec CommandSpec spec;

  @Option(
      names = "--json",
      description =
          "Print one JSON document: {\"services\": [...], \"infrastructure\": [...], \"mesh\":"
              + " {...}}.")
  boolean json;

  @Override
  public Integer call() throws Exception {
    Workspace workspace = parent.workspace();
    StatusReport report =
        RunState.read(workspace.stateFile())
            .map(state -> StatusReport.probe(state, StatusProbe.LIVE))
            .orElseGet(() -> planned(workspace));
    PrintWriter out = spec.commandLine().getOut();
    if (json) {
      ObjectMapper mapper = new ObjectMapper();
      out.println(mapper.writeValueAsString(report.toJson(mapper)));
    } else {
      boolean running = RunningSupervisor.find(workspace).isPresent();
      out.println(running ? "MarketPrism is running." : "MarketPrism is not running.");
      out.print(report.toTable());
    }
    out.flush();
    return 0;
  }

  /** Before the first run: what {@code up} would start, as configured. */
  private StatusReport planned(Workspace workspace) {
    LauncherConfig config = parent.loadConfig(workspace);
    boolean mesh = config.mesh().enabled();
    return StatusReport.probe(
        MeshPlan.components(config, workspace, mesh),
        MeshPlan.meshState(config, workspace, mesh),
        StatusProbe.LIVE);
  }
}
