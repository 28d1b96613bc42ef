package io.marketprism.launcher;

import java.io.IOException;
import java.nio.file.Files;
import java.util.Optional;

/** Finds the supervisor of a workspace from its pid file, if that process is still alive. */
final class RunningSupervisor {

    private RunningSupervisor() {
    }

    /** The live supervisor process, or empty when none runs (a stale pid file is ignored). */
    static Optional<ProcessHandle> find(Workspace workspace) {
        if (!Files.isRegularFile(workspace.pidFile())) {
            return Optional.empty();
        }
        try {
            long pid = Long.parseLong(Files.readString(workspace.pidFile()).strip());
            return ProcessHandle.of(pid).filter(ProcessHandle::isAlive).filter(RunningSupervisor::isLauncher);
        } catch (IOException | NumberFormatException e) {
            return Optional.empty();
        }
    }

    /** Guards against a recycled pid: the process must be a JVM running our command. */
    private static boolean isLauncher(ProcessHandle handle) {
        return handle.info().commandLine().map(line -> line.contains(MarketPrismCommand.class.getName())).orElse(true);
    }
}
