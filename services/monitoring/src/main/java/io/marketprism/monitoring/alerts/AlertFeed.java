package io.marketprism.monitoring.alerts;

import io.marketprism.monitoring.v1.Alert;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Tells WatchAlerts streams (and anyone else listening) which alerts changed, after they are stored. Thread-safe. */
public final class AlertFeed {

  /** A listener; called on the evaluator's thread, so it must not block. */
  public interface Listener {
    void changed(List<Alert> alerts);

    /** Monitoring is draining: end the stream. */
    void draining();
  }

  private final List<Listener> listeners = new CopyOnWriteArrayList<>();

  public void add(Listener listener) {
    listeners.add(listener);
  }

  public void remove(Listener listener) {
    listeners.remove(listener);
  }

  void publish(List<Alert> alerts) {
    if (!alerts.isEmpty()) {
      listeners.forEach(listener -> listener.changed(alerts));
    }
  }

  void drain() {
    listeners.forEach(Listener::draining);
  }
}
