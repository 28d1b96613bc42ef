package io.marketprism.launcher;

import java.io.IOException;
import java.nio.file.Files;
import java.util.Optional;

/** Finds the supervisor of a workspace from its pid file, if that process is still alive. */
final class RunningSupervisor {

  private RunningSupervisor() {}

  /** The live supervisor process, or empty when none runs (a stale pid file is ignored). */
  static Optional<ProcessHandle> find(Workspace workspace) {
    if (!Files.isRegularFile(workspace.pidFile())) {
      return Optional.empty();
    }
    try {
      String[] fields = Files.readString(workspace.pidFile()).strip().split(" ");
      long pid = Long.parseLong(fields[0]);
      String started = fields.length > 1 ? fields[1] : "";
      return ProcessHandle.of(pid)
          .filter(ProcessHandle::isAlive)
          .filter(handle -> startedAt(handle).equals(started));
    } catch (IOException | NumberFormatException e) {
      return Optional.empty();
    }
  }

  /**
   * What the pid file holds: the pid and the process's start time. The start time guards against a
   * recycled pid; the command line cannot, because the kernel hands out only its first few
   * kilobytes and our class path is longer.
   */
  static String pidFileLine(ProcessHandle supervisor) {
    return supervisor.pid() + " " + startedAt(supervisor);
  }

  private static String startedAt(ProcessHandle handle) {
    return handle
        .info()
        .startInstant()
        .map(instant -> Long.toString(instant.toEpochMilli()))
        .orElse("unknown");
  }
}
