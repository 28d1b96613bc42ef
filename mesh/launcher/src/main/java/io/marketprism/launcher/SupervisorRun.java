package io.marketprism.launcher;

import io.marketprism.supervisor.ComponentStartException;
import io.marketprism.supervisor.PortCheck;
import io.marketprism.supervisor.Supervisor;
import io.marketprism.supervisor.SupervisorEvent;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The supervising process: owns the pid file and the state file, starts everything, keeps it
 * running until SIGTERM/SIGINT (the JVM's shutdown hook), then stops everything in reverse order.
 * Foreground {@code up} runs it in the command's own JVM; {@code up --detach} runs it in a
 * background JVM ({@code marketprism supervise}). With the mesh on it also holds the mesh CA and
 * keeps every mesh service's certificate files fresh ({@link MeshCertificates}) for as long as it
 * runs.
 *
 * <p>Thread safety: {@code finished} makes sure exactly one of the normal path and the shutdown
 * hook does the final stop and writes the final phase.
 */
final class SupervisorRun {

  private final LauncherConfig config;
  private final Workspace workspace;
  private final boolean mesh;
  private final PrintStream out;
  private final AtomicBoolean finished = new AtomicBoolean();
  private final CountDownLatch stopped = new CountDownLatch(1);

  /**
   * @param mesh run the services in the mesh (the configuration's {@code mesh.enabled}, unless
   *     {@code up --no-mesh})
   */
  SupervisorRun(LauncherConfig config, Workspace workspace, boolean mesh, PrintStream out) {
    this.config = config;
    this.workspace = workspace;
    this.mesh = mesh;
    this.out = out;
  }

  /**
   * Starts everything and blocks until the JVM is asked to stop. Returns only when start-up failed.
   *
   * @return the exit code (1: start-up failed)
   */
  int run() {
    PortCheck.requireFree(MeshPlan.portClaims(config, mesh));
    if (mesh) {
      MeshPlan.requireMeshRunnable(config, workspace);
    }
    long pid = ProcessHandle.current().pid();
    writePidFile(pid);
    StateRecorder recorder =
        new StateRecorder(
            workspace.stateFile(),
            pid,
            MeshPlan.meshState(config, workspace, mesh),
            MeshPlan.components(config, workspace, mesh));
    MeshCertificates certificates;
    try {
      certificates =
          mesh
              ? issueCertificates()
              : MeshCertificates.none();
    } catch (IOException | RuntimeException e) {
      String message = "could not issue the mesh certificates: " + e.getMessage();
      out.println("start-up failed: " + message);
      recorder.phase(RunState.FAILED, message, null);
      deletePidFile();
      return 1;
    }
    ProgressPrinter progress = new ProgressPrinter(out);
    Supervisor supervisor =
        Supervisor.builder()
            .addAll(MeshPlan.processes(config, workspace, LauncherVersion.get(), mesh))
            .listener(
                (SupervisorEvent event) -> {
                  recorder.onEvent(event);
                  progress.onEvent(event);
                })
            .build();
    Thread hook =
        new Thread(
            () -> stopAll(supervisor, certificates, recorder, "stopped on request"),
            "marketprism-stop");
    Runtime.getRuntime().addShutdownHook(hook);
    try {
      supervisor.start();
    } catch (ComponentStartException e) {
      if (finished.compareAndSet(false, true)) {
        out.println("start-up failed: " + e.getMessage());
        e.logTail().forEach(line -> out.println("  | " + line));
        recorder.phase(RunState.FAILED, e.getMessage(), e.component());
        supervisor.stop();
        certificates.close();
        deletePidFile();
      } else {
        awaitStop(); // stopped on request while starting: the shutdown hook is stopping everything
      }
      removeHook(hook);
      return 1;
    }
    recorder.phase(RunState.RUNNING, "every service is SERVING", null);
    out.println();
    out.print(StatusReport.probe(recorder.current(), StatusProbe.LIVE).toTable());
    out.println();
    out.println(
        "MarketPrism is running. Ctrl-C or `./marketprism down` stops it; logs: "
            + workspace.logDirectory());
    out.flush();
    awaitStop();
    return 0;
  }

  /** The services' certificates; with the control plane, also the local xDS clients' access. */
  private MeshCertificates issueCertificates() throws IOException {
    List<String> holders = MeshPlan.certificateHolders(config, mesh);
    Duration lifetime = config.mesh().certificateLifetime();
    return config.controlPlane().isPresent()
        ? MeshCertificates.issueWithXdsClient(
            workspace, holders, lifetime, config.mesh().plaintextAdsPort())
        : MeshCertificates.issue(workspace, holders, lifetime);
  }

  private void stopAll(
      Supervisor supervisor,
      MeshCertificates certificates,
      StateRecorder recorder,
      String message) {
    if (!finished.compareAndSet(false, true)) {
      return;
    }
    recorder.phase(RunState.STOPPING, "stopping", null);
    out.println("stopping MarketPrism...");
    supervisor.stop();
    certificates.close(); // after the services: one that drains for long still gets fresh files
    recorder.phase(RunState.STOPPED, message, null);
    deletePidFile();
    out.println("MarketPrism stopped; data kept in " + workspace.directory());
    out.flush();
    stopped.countDown();
  }

  private void awaitStop() {
    try {
      stopped.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void writePidFile(long pid) {
    try {
      Files.createDirectories(workspace.runDirectory());
      Files.writeString(
          workspace.pidFile(),
          RunningSupervisor.pidFileLine(ProcessHandle.current()) + "\n",
          StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("could not write " + workspace.pidFile(), e);
    }
  }

  private void deletePidFile() {
    try {
      Files.deleteIfExists(workspace.pidFile());
    } catch (IOException e) {
      out.println("could not delete " + workspace.pidFile() + ": " + e.getMessage());
    }
  }

  private static void removeHook(Thread hook) {
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException shuttingDown) {
      // the JVM is exiting already; the hook finds the run finished and does nothing
    }
  }
}
