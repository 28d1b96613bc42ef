package io.marketprism.supervisor;

/**
 * Receives a {@link Supervisor}'s events. Called on the thread that caused the event (the caller of
 * {@link Supervisor#start()} or {@link Supervisor#stop()}, or the supervisor's restart thread), one
 * event at a time: implementations need no locking of their own but must return quickly.
 */
@FunctionalInterface
public interface SupervisorListener {

  void onEvent(SupervisorEvent event);
}
