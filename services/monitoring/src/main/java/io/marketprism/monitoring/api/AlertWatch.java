package io.marketprism.monitoring.api;

import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import io.marketprism.monitoring.alerts.AlertFeed;
import io.marketprism.monitoring.v1.Alert;
import io.marketprism.monitoring.v1.WatchAlertsResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * One WatchAlerts stream: the snapshot first (in pages of {@link #PAGE} alerts, the last flagged complete), then the
 * alerts that changed and pass the caller's filter; ended with UNAVAILABLE when monitoring drains. Changes that
 * arrive while the snapshot is being sent wait for it.
 *
 * <p>Thread-safe: synchronized (the evaluator thread publishes, the gRPC thread starts it).
 */
final class AlertWatch implements AlertFeed.Listener {

  static final int PAGE = 500;

  private final ServerCallStreamObserver<WatchAlertsResponse> stream;
  private final Predicate<Alert> filter;
  private final AlertFeed feed;
  private final List<Alert> early = new ArrayList<>();
  private boolean started;
  private boolean ended;

  AlertWatch(ServerCallStreamObserver<WatchAlertsResponse> stream, Predicate<Alert> filter, AlertFeed feed) {
    this.stream = stream;
    this.filter = filter;
    this.feed = feed;
  }

  synchronized void start(List<Alert> snapshot) {
    List<Alert> visible = snapshot.stream().filter(filter).toList();
    for (int from = 0; from < visible.size() || from == 0; from += PAGE) {
      int to = Math.min(visible.size(), from + PAGE);
      send(WatchAlertsResponse.newBuilder().addAllAlerts(visible.subList(from, to))
          .setSnapshotComplete(to == visible.size()).build());
      if (to == visible.size()) {
        break;
      }
    }
    started = true;
    changed(List.copyOf(early));
    early.clear();
  }

  @Override
  public synchronized void changed(List<Alert> alerts) {
    if (!started) {
      early.addAll(alerts);
      return;
    }
    List<Alert> visible = alerts.stream().filter(filter).toList();
    if (!visible.isEmpty()) {
      send(WatchAlertsResponse.newBuilder().addAllAlerts(visible).build());
    }
  }

  @Override
  public synchronized void draining() {
    if (!ended) {
      ended = true;
      feed.remove(this);
      stream.onError(Status.UNAVAILABLE.withDescription("monitoring is draining (shutting down); reconnect")
          .asRuntimeException());
    }
  }

  private void send(WatchAlertsResponse response) {
    if (ended || stream.isCancelled()) {
      return;
    }
    try {
      stream.onNext(response);
    } catch (RuntimeException e) {
      // the call went away between the check and the send
      ended = true;
      feed.remove(this);
    }
  }
}
