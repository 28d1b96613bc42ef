package io.marketprism.launcher;

import io.marketprism.supervisor.SupervisorEvent;
import io.marketprism.supervisor.SupervisorListener;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Keeps {@code run/state.json} in step with the supervisor's events.
 *
 * <p>Thread safety: events arrive one at a time from the supervisor, phase changes from the run's
 * own thread or its shutdown hook; every method is synchronized on {@code this}, which guards the
 * state.
 */
final class StateRecorder implements SupervisorListener {

  private final Path file;
  private RunState state; // guarded by this

  StateRecorder(
      Path file, long supervisorPid, RunState.Mesh mesh, List<ComponentState> components) {
    this.file = file;
    this.state = new RunState(supervisorPid, RunState.STARTING, "starting", null, mesh, components);
    write();
  }

  @Override
  public synchronized void onEvent(SupervisorEvent event) {
    List<ComponentState> components = new ArrayList<>();
    for (ComponentState component : state.components()) {
      components.add(
          component.name().equals(event.component()) ? apply(component, event) : component);
    }
    state =
        new RunState(
            state.supervisorPid(),
            state.phase(),
            state.message(),
            state.failedComponent(),
            state.mesh(),
            components);
    write();
  }

  private static ComponentState apply(ComponentState component, SupervisorEvent event) {
    return switch (event.type()) {
      case STARTING -> component.with("STARTING", -1, null, event.message());
      case READY ->
          component.with("READY", event.pid(), startInstant(event.pid()), event.message());
      case CRASHED -> component.with("CRASHED", -1, null, event.message());
      case RESTARTING -> component.with("RESTARTING", -1, null, event.message());
      case GAVE_UP -> component.with("FAILED", -1, null, event.message());
      case STOPPING ->
          component.with("STOPPING", component.pid(), component.startedAt(), event.message());
      case STOPPED -> component.with("STOPPED", -1, null, event.message());
    };
  }

  /** Sets the run's phase, e.g. RUNNING once every component is ready. */
  synchronized void phase(String phase, String message, String failedComponent) {
    state =
        new RunState(
            state.supervisorPid(),
            phase,
            message,
            failedComponent,
            state.mesh(),
            state.components());
    write();
  }

  synchronized RunState current() {
    return state;
  }

  private void write() {
    try {
      state.write(file);
    } catch (IOException e) {
      System.err.println("marketprism: could not write " + file + ": " + e.getMessage());
    }
  }

  /**
   * The OS's start instant of a process, which {@code down} compares before killing a recorded pid.
   */
  static String startInstant(long pid) {
    return ProcessHandle.of(pid)
        .flatMap(handle -> handle.info().startInstant())
        .map(Object::toString)
        .orElse(null);
  }
}
