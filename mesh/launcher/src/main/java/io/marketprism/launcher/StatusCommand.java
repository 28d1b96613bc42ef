package io.marketprism.launcher;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.util.List;
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
      description = "Print one JSON document: {\"services\": [...], \"infrastructure\": [...]}.")
  boolean json;

  @Override
  public Integer call() throws Exception {
    Workspace workspace = parent.workspace();
    List<ComponentState> components =
        RunState.read(workspace.stateFile())
            .map(RunState::components)
            .orElseGet(() -> MeshPlan.components(parent.loadConfig(workspace), workspace));
    StatusReport report = StatusReport.probe(components, StatusProbe.LIVE);
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
}
