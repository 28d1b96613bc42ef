package io.marketprism.supervisor;

import io.marketprism.supervisor.SupervisorEvent.Type;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Runs a list of components as one system: checks every port first, starts the components in the
 * given (dependency) order waiting for each to be ready, restarts one that crashes according to a
 * {@link RestartPolicy}, and stops them all in reverse order.
 *
 * <pre>{@code
 * Supervisor supervisor = Supervisor.builder()
 *         .add(nats).add(clickHouse).add(dataStorage)
 *         .listener(event -> System.out.println(event.component() + ": " + event.message()))
 *         .build();
 * supervisor.start();   // throws if a component cannot be brought up; already started ones keep running
 * ...
 * supervisor.stop();    // reverse order; each gets SIGTERM and its grace period before SIGKILL
 * }</pre>
 *
 * <p>Thread safety: {@link #start()} runs on the caller's thread; crashes are handled on one daemon
 * thread of the supervisor's own, so restarts never overlap. {@code lock} guards {@code stopping}
 * and the per-component {@link Tracking}; a process is launched only while holding it, so once
 * {@link #stop()} has set {@code stopping} nothing new is launched and every launched process is
 * visible to the stop sequence. Listener calls are serialized by {@code listenerLock}.
 */
public final class Supervisor implements AutoCloseable {

  private static final Duration RESTART_THREAD_WAIT = Duration.ofSeconds(15);

  private final List<SupervisedProcess> components;
  private final SupervisorListener listener;
  private final RestartPolicy policy;
  private final ScheduledExecutorService restarts;
  private final Object lock = new Object();
  private final Object listenerLock = new Object();

  // guarded by lock
  private boolean stopping;
  // guarded by lock (the map and its values)
  private final Map<String, Tracking> tracking = new HashMap<>();

  private Supervisor(Builder builder) {
    this.components = List.copyOf(builder.components);
    this.listener = builder.listener;
    this.policy = builder.policy;
    this.restarts =
        Executors.newSingleThreadScheduledExecutor(
            runnable -> {
              Thread thread = new Thread(runnable, "supervisor-restarts");
              thread.setDaemon(true);
              return thread;
            });
    for (SupervisedProcess component : components) {
      tracking.put(component.name(), new Tracking());
    }
  }

  public static Builder builder() {
    return new Builder();
  }

  /** The components in start order. */
  public List<SupervisedProcess> components() {
    return components;
  }

  /** Every port of every component, in start order. */
  public List<PortClaim> ports() {
    List<PortClaim> claims = new ArrayList<>();
    components.forEach(component -> claims.addAll(component.ports()));
    return claims;
  }

  /**
   * Checks all ports, then starts each component in order and waits until it is ready. A component
   * that fails to start is retried with the restart policy's backoff.
   *
   * @throws PortConflictException before anything starts, when a port is taken or claimed twice
   * @throws ComponentStartException when a component could not be brought up within the policy's
   *     attempts; the components started before it keep running (call {@link #stop()})
   */
  public void start() throws ComponentStartException {
    PortCheck.requireFree(ports());
    for (SupervisedProcess component : components) {
      emit(
          component.name(),
          Type.STARTING,
          -1,
          "starting " + component.name() + " on " + component.address());
      startWithRetries(component);
    }
  }

  private void startWithRetries(SupervisedProcess component) throws ComponentStartException {
    int failures = 0;
    while (true) {
      try {
        Process process = launchUnlessStopping(component);
        component.awaitReady();
        becameReady(component, process);
        return;
      } catch (ComponentStartException e) {
        failures++;
        synchronized (lock) {
          if (stopping) {
            throw e;
          }
        }
        emit(component.name(), Type.CRASHED, -1, e.getMessage());
        if (failures >= policy.maxQuickFailures()) {
          String message =
              component.name()
                  + " failed to start "
                  + failures
                  + " times; giving up. "
                  + "Last error: "
                  + e.getMessage();
          emit(component.name(), Type.GAVE_UP, -1, message);
          throw new ComponentStartException(component.name(), message, e.logTail());
        }
        Duration backoff = policy.backoff(failures);
        emit(
            component.name(),
            Type.RESTARTING,
            -1,
            "starting "
                + component.name()
                + " again in "
                + backoff.toMillis()
                + " ms (attempt "
                + (failures + 1)
                + ")");
        SupervisedProcess.sleep(backoff.toMillis());
      }
    }
  }

  private Process launchUnlessStopping(SupervisedProcess component) throws ComponentStartException {
    synchronized (lock) {
      if (stopping) {
        throw new ComponentStartException(
            component.name(), "not started: the supervisor is stopping", List.of());
      }
      return component.launch();
    }
  }

  private void becameReady(SupervisedProcess component, Process process) {
    synchronized (lock) {
      Tracking state = tracking.get(component.name());
      state.process = process;
      state.readyAtNanos = System.nanoTime();
    }
    emit(
        component.name(),
        Type.READY,
        process.pid(),
        component.name() + " is ready on " + component.address() + " (pid " + process.pid() + ")");
    process
        .onExit()
        .thenRun(
            () -> {
              try {
                restarts.execute(() -> exited(component, process));
              } catch (java.util.concurrent.RejectedExecutionException stopped) {
                // the supervisor is stopping; an exit now is expected
              }
            });
  }

  private void exited(SupervisedProcess component, Process process) {
    int failures;
    synchronized (lock) {
      Tracking state = tracking.get(component.name());
      if (stopping || state.process != process) {
        return;
      }
      state.process = null;
      boolean quick =
          System.nanoTime() - state.readyAtNanos < policy.quickFailureWindow().toNanos();
      state.quickFailures = quick ? state.quickFailures + 1 : 1;
      failures = state.quickFailures;
    }
    emit(
        component.name(),
        Type.CRASHED,
        process.pid(),
        component.name()
            + " (pid "
            + process.pid()
            + ") exited with code "
            + process.exitValue()
            + "; see "
            + component.logFile());
    scheduleRestartOrGiveUp(component, failures, null);
  }

  private void scheduleRestartOrGiveUp(
      SupervisedProcess component, int failures, String lastError) {
    if (failures >= policy.maxQuickFailures()) {
      emit(
          component.name(),
          Type.GAVE_UP,
          -1,
          component.name()
              + " crashed "
              + failures
              + " times in a row, each within "
              + policy.quickFailureWindow().toSeconds()
              + "s of starting; not restarting it"
              + (lastError == null ? "" : " (last error: " + lastError + ")")
              + ". See "
              + component.logFile());
      return;
    }
    Duration backoff = policy.backoff(failures);
    emit(
        component.name(),
        Type.RESTARTING,
        -1,
        "restarting "
            + component.name()
            + " in "
            + backoff.toMillis()
            + " ms (crash "
            + failures
            + " of at most "
            + policy.maxQuickFailures()
            + ")");
    try {
      restarts.schedule(() -> restart(component), backoff.toMillis(), TimeUnit.MILLISECONDS);
    } catch (java.util.concurrent.RejectedExecutionException stopped) {
      // stop() shut the restart thread down meanwhile
    }
  }

  private void restart(SupervisedProcess component) {
    try {
      Process process = launchUnlessStopping(component);
      component.awaitReady();
      becameReady(component, process);
    } catch (ComponentStartException e) {
      int failures;
      synchronized (lock) {
        if (stopping) {
          return;
        }
        Tracking state = tracking.get(component.name());
        state.quickFailures++;
        failures = state.quickFailures;
      }
      emit(component.name(), Type.CRASHED, -1, e.getMessage());
      scheduleRestartOrGiveUp(component, failures, e.getMessage());
    } catch (IllegalStateException interruptedByStop) {
      // stop() interrupted the wait for readiness; it stops the process itself
    }
  }

  /**
   * Stops every component in reverse start order (SIGTERM, its grace period, then SIGKILL) and
   * waits until all are gone. Pending restarts are cancelled. Safe to call more than once and from
   * a shutdown hook.
   */
  public void stop() {
    synchronized (lock) {
      stopping = true;
    }
    restarts.shutdownNow();
    try {
      restarts.awaitTermination(RESTART_THREAD_WAIT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    List<SupervisedProcess> reversed = new ArrayList<>(components);
    java.util.Collections.reverse(reversed);
    for (SupervisedProcess component : reversed) {
      long pid = component.process().map(Process::pid).orElse(-1L);
      if (pid < 0) {
        continue;
      }
      emit(
          component.name(),
          Type.STOPPING,
          pid,
          "stopping " + component.name() + " (pid " + pid + ")");
      component.stop();
      emit(component.name(), Type.STOPPED, pid, component.name() + " stopped");
    }
  }

  @Override
  public void close() {
    stop();
  }

  private void emit(String component, Type type, long pid, String message) {
    synchronized (listenerLock) {
      try {
        listener.onEvent(SupervisorEvent.of(component, type, pid, message));
      } catch (RuntimeException e) {
        // A broken progress display must not take the processes down with it.
        System.err.println("supervisor listener failed on " + type + " of " + component + ": " + e);
      }
    }
  }

  /** What the supervisor remembers about one component between its crashes. */
  private static final class Tracking {
    Process process;
    long readyAtNanos;
    int quickFailures;
  }

  /** Collects the components in start order. */
  public static final class Builder {
    private final List<SupervisedProcess> components = new ArrayList<>();
    private SupervisorListener listener = event -> {};
    private RestartPolicy policy = RestartPolicy.DEFAULT;

    private Builder() {}

    /** Adds the next component; it starts after every component added before it. */
    public Builder add(SupervisedProcess component) {
      boolean duplicate =
          components.stream().anyMatch(existing -> existing.name().equals(component.name()));
      if (duplicate) {
        throw new IllegalArgumentException("two components are called " + component.name());
      }
      components.add(component);
      return this;
    }

    public Builder addAll(List<? extends SupervisedProcess> more) {
      more.forEach(this::add);
      return this;
    }

    public Builder listener(SupervisorListener listener) {
      this.listener = Objects.requireNonNull(listener, "listener");
      return this;
    }

    public Builder restartPolicy(RestartPolicy policy) {
      this.policy = Objects.requireNonNull(policy, "policy");
      return this;
    }

    public Supervisor build() {
      return new Supervisor(this);
    }
  }
}
