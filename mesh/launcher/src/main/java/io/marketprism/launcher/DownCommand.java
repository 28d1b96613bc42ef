package io.marketprism.launcher;

import io.marketprism.supervisor.SupervisedProcess;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code marketprism down}: asks the supervisor to stop everything (reverse start order, each
 * service drains on SIGTERM), waits until it has, then stops any process the state file still
 * records — those a supervisor that died could not stop. Data is kept.
 */
@Command(
    name = "down",
    mixinStandardHelpOptions = true,
    description = "Stops everything (reverse order); data is kept.")
final class DownCommand implements Callable<Integer> {

  /** Long enough for every component's grace period in turn; after it the supervisor is killed. */
  private static final Duration SUPERVISOR_STOP_TIMEOUT = Duration.ofMinutes(5);

  private static final Duration LEFTOVER_GRACE = Duration.ofSeconds(20);

  @ParentCommand MarketPrismCommand parent;

  @Spec CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    Workspace workspace = parent.workspace();
    PrintWriter out = spec.commandLine().getOut();
    Optional<ProcessHandle> supervisor = RunningSupervisor.find(workspace);
    if (supervisor.isPresent()) {
      out.println("stopping MarketPrism (supervisor pid " + supervisor.get().pid() + ")...");
      out.flush();
      stopSupervisor(supervisor.get(), out);
    }
    List<String> leftovers = stopLeftovers(workspace, out);
    Optional<RunState> state = RunState.read(workspace.stateFile());
    if (state.isPresent()) {
      List<ComponentState> stopped =
          state.get().components().stream()
              .map(component -> component.with("STOPPED", -1, null, null))
              .toList();
      new RunState(
              state.get().supervisorPid(),
              RunState.STOPPED,
              "stopped by `marketprism down`",
              null,
              state.get().mesh(),
              stopped)
          .write(workspace.stateFile());
    }
    Files.deleteIfExists(workspace.pidFile());
    if (supervisor.isEmpty() && leftovers.isEmpty()) {
      out.println("MarketPrism is not running.");
    } else {
      out.println("MarketPrism stopped; data kept in " + workspace.directory());
    }
    out.flush();
    return 0;
  }

  private static void stopSupervisor(ProcessHandle supervisor, PrintWriter out) {
    supervisor.destroy();
    try {
      supervisor.onExit().get(SUPERVISOR_STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      out.println(
          "the supervisor did not stop within "
              + SUPERVISOR_STOP_TIMEOUT.toMinutes()
              + " minutes; killing it and stopping what it started");
      supervisor.destroyForcibly();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new LauncherException("interrupted while waiting for the supervisor to stop", e);
    } catch (java.util.concurrent.ExecutionException e) {
      throw new LauncherException("could not wait for the supervisor: " + e.getMessage(), e);
    }
  }

  /**
   * Stops processes the state file records that are still alive (and are still the same processes).
   */
  private static List<String> stopLeftovers(Workspace workspace, PrintWriter out)
      throws IOException {
    List<String> stopped = new ArrayList<>();
    Optional<RunState> state = RunState.read(workspace.stateFile());
    if (state.isEmpty()) {
      return stopped;
    }
    List<ComponentState> reversed = new ArrayList<>(state.get().components());
    java.util.Collections.reverse(reversed);
    for (ComponentState component : reversed) {
      Optional<ProcessHandle> process =
          component.pid() > 0 ? ProcessHandle.of(component.pid()) : Optional.empty();
      if (process.isPresent() && process.get().isAlive() && sameProcess(process.get(), component)) {
        out.println(
            "stopping "
                + component.name()
                + " (pid "
                + component.pid()
                + "), left by a supervisor that is gone");
        out.flush();
        if (!SupervisedProcess.terminate(process.get(), LEFTOVER_GRACE)) {
          throw new LauncherException(
              "could not stop " + component.name() + " (pid " + component.pid() + ")");
        }
        stopped.add(component.name());
      }
    }
    return stopped;
  }

  private static boolean sameProcess(ProcessHandle process, ComponentState component) {
    if (component.startedAt() == null) {
      return false;
    }
    return process
        .info()
        .startInstant()
        .map(Object::toString)
        .map(component.startedAt()::equals)
        .orElse(false);
  }
}
