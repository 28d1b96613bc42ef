package io.marketprism.config.api;

import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import io.marketprism.config.domain.ConfigStore;
import io.marketprism.config.domain.Revision;
import io.marketprism.config.v1.EventType;
import io.marketprism.config.v1.WatchEvent;
import io.marketprism.config.v1.WatchResponse;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One open Watch call: collects the snapshot (or catch-up) the store delivers first and sends it in batches, the last
 * marked {@code snapshot_complete}; then sends each change as it comes. A snapshot leaves out deleted keys; a catch-up
 * includes deletions, since the watcher saw those keys before. Secrets are masked. Thread-safe: the store delivers on
 * its thread, a drain ends the call from another.
 */
final class WatchStream implements ConfigStore.ChangeListener {

  private static final Logger log = LoggerFactory.getLogger(WatchStream.class);

  /** Events per response while catching up, so that a large snapshot is not one huge message. */
  private static final int BATCH = 256;

  private final ServerCallStreamObserver<WatchResponse> call;
  private final boolean snapshot;
  private final List<WatchEvent> pending = new ArrayList<>();
  private boolean caughtUp;
  private boolean ended;
  private AutoCloseable subscription;

  WatchStream(ServerCallStreamObserver<WatchResponse> call, boolean snapshot) {
    this.call = call;
    this.snapshot = snapshot;
  }

  /** The store subscription to close when the call ends. */
  synchronized void attach(AutoCloseable subscription) {
    this.subscription = subscription;
    if (ended) {
      closeSubscription();
    }
  }

  @Override
  public synchronized void onChange(Revision revision) {
    if (ended) {
      return;
    }
    if (!caughtUp) {
      if (snapshot && revision.value().deleted()) {
        return;
      }
      pending.add(event(revision));
      if (pending.size() == BATCH) {
        send(false);
      }
      return;
    }
    pending.add(event(revision));
    send(false);
  }

  @Override
  public synchronized void caughtUp() {
    if (ended || caughtUp) {
      return;
    }
    caughtUp = true;
    send(true);
  }

  /** Ends the call with {@code status} (the drain's UNAVAILABLE) and stops watching. */
  synchronized void end(Status status) {
    if (ended) {
      return;
    }
    ended = true;
    try {
      call.onError(status.asRuntimeException());
    } catch (IllegalStateException alreadyClosed) {
      log.debug("watch already closed: {}", alreadyClosed.toString());
    }
    closeSubscription();
  }

  /** The caller went away. */
  synchronized void cancelled() {
    ended = true;
    closeSubscription();
  }

  private void send(boolean complete) {
    try {
      call.onNext(WatchResponse.newBuilder().addAllEvents(pending).setSnapshotComplete(complete).build());
    } catch (RuntimeException callGone) {
      // cancelled between the event and the send; the cancel handler cleans up
      log.debug("watch send failed: {}", callGone.toString());
    }
    pending.clear();
  }

  private void closeSubscription() {
    if (subscription != null) {
      try {
        subscription.close();
      } catch (Exception e) {
        log.debug("closing a watch subscription failed: {}", e.toString());
      }
      subscription = null;
    }
  }

  private static WatchEvent event(Revision revision) {
    return WatchEvent.newBuilder()
        .setType(revision.value().deleted() ? EventType.EVENT_TYPE_DELETE : EventType.EVENT_TYPE_PUT)
        .setEntry(EntryMessages.masked(revision))
        .build();
  }
}
