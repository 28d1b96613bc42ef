package io.marketprism.config.api;

import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import io.marketprism.config.domain.ConfigStore;
import io.marketprism.config.domain.EntryName;
import io.marketprism.config.domain.Instance;
import io.marketprism.config.domain.Revision;
import io.marketprism.config.v1.EventType;
import io.marketprism.config.v1.WatchEvent;
import io.marketprism.config.v1.WatchResponse;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One open Watch call. Collects what the store delivers before it has caught up — the snapshot (one event per
 * current key, deleted keys left out) or the catch-up (every change, deletions included) — and sends it in batches,
 * the last marked {@code snapshot_complete}; then sends each change as it comes. Secrets are masked.
 *
 * <p>For a watcher that names its instance, a key whose gray release matches the instance is streamed with the gray
 * value, the entry's own changes are held back while the release lasts, and when it ends the entry's current value
 * follows. A watcher that names no instance never sees gray releases.
 *
 * <p>Thread-safe: the store delivers on its thread, a drain ends the call from another.
 */
final class WatchStream implements ConfigStore.ChangeListener {

  private static final Logger log = LoggerFactory.getLogger(WatchStream.class);

  /** Events per response while catching up, so that a large snapshot is not one huge message. */
  private static final int BATCH = 256;

  private final ServerCallStreamObserver<WatchResponse> call;
  private final boolean snapshot;
  private final Optional<Instance> instance;
  private final Function<EntryName, Optional<Revision>> currentEntry;
  /** Keys whose gray release this instance currently gets, by key. */
  private final Map<String, Revision> grayForInstance;
  private final Map<String, WatchEvent> snapshotByKey = new LinkedHashMap<>();
  private final List<WatchEvent> pending = new ArrayList<>();
  private boolean caughtUp;
  private boolean ended;
  private AutoCloseable subscription;

  /**
   * @param snapshot true for a watch from version 0
   * @param instance the watcher's instance, if it named one
   * @param currentEntry reads an entry's current version, for the value to fall back to when a gray release ends
   * @param grayForInstance the gray releases the instance gets as the watch starts (for a catch-up, whose replay
   *     does not hold releases started before it)
   */
  WatchStream(
      ServerCallStreamObserver<WatchResponse> call,
      boolean snapshot,
      Optional<Instance> instance,
      Function<EntryName, Optional<Revision>> currentEntry,
      Map<String, Revision> grayForInstance) {
    this.call = call;
    this.snapshot = snapshot;
    this.instance = instance;
    this.currentEntry = currentEntry;
    this.grayForInstance = new HashMap<>(grayForInstance);
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
    Optional<WatchEvent> event = eventFor(revision);
    if (event.isEmpty()) {
      return;
    }
    if (caughtUp) {
      SharedChange shared = SharedChange.of(revision);
      if (pending.isEmpty() && event.get() == shared.event()) {
        deliver(shared.response());
      } else {
        pending.add(event.get());
        send(false);
      }
    } else if (snapshot) {
      // one event per key: a matching gray release replaces the entry's value, a deletion removes the key
      if (event.get().getType() == EventType.EVENT_TYPE_DELETE) {
        snapshotByKey.remove(revision.name().key());
      } else {
        snapshotByKey.put(revision.name().key(), event.get());
      }
    } else {
      pending.add(event.get());
      if (pending.size() == BATCH) {
        send(false);
      }
    }
  }

  @Override
  public synchronized void caughtUp() {
    if (ended || caughtUp) {
      return;
    }
    caughtUp = true;
    for (WatchEvent event : snapshotByKey.values()) {
      pending.add(event);
      if (pending.size() == BATCH) {
        send(false);
      }
    }
    snapshotByKey.clear();
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

  /** What this watcher is sent for a stored change, if anything. */
  private Optional<WatchEvent> eventFor(Revision revision) {
    String key = revision.name().key();
    if (!revision.gray()) {
      // while the instance has a key's gray value, the entry's own changes wait for the release to end
      boolean heldBack = !revision.value().deleted() && grayForInstance.containsKey(key);
      return heldBack ? Optional.empty() : Optional.of(event(revision));
    }
    if (instance.isEmpty()) {
      return Optional.empty();
    }
    if (!revision.value().deleted() && revision.value().grayRule().matches(instance.get(), key)) {
      grayForInstance.put(key, revision);
      return Optional.of(event(revision));
    }
    if (grayForInstance.remove(key) == null) {
      return Optional.empty();
    }
    // the release ended (or no longer names this instance): back to the entry's value
    return currentEntry.apply(revision.name()).map(WatchStream::event);
  }

  private void send(boolean complete) {
    deliver(WatchResponse.newBuilder().addAllEvents(pending).setSnapshotComplete(complete).build());
    pending.clear();
  }

  private void deliver(WatchResponse response) {
    try {
      call.onNext(response);
    } catch (RuntimeException callGone) {
      // cancelled between the event and the send; the cancel handler cleans up
      log.debug("watch send failed: {}", callGone.toString());
    }
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
    return SharedChange.of(revision).event();
  }

  /**
   * A live change's event and its one-event response, built once for every watcher it goes to: a view hands the same
   * revision to each of its watchers in turn, and building the messages once instead of 10,000 times is much of a
   * large fan-out's work. Holds the last revision only; a race rebuilds, never mixes them up (identity is compared).
   */
  private record SharedChange(Revision revision, WatchEvent event, WatchResponse response) {
    private static final AtomicReference<SharedChange> last = new AtomicReference<>();

    static SharedChange of(Revision revision) {
      SharedChange held = last.get();
      if (held != null && held.revision() == revision) {
        return held;
      }
      WatchEvent event =
          WatchEvent.newBuilder()
              .setType(revision.value().deleted() ? EventType.EVENT_TYPE_DELETE : EventType.EVENT_TYPE_PUT)
              .setEntry(EntryMessages.masked(revision))
              .build();
      SharedChange built =
          new SharedChange(revision, event, WatchResponse.newBuilder().addEvents(event).setSnapshotComplete(false).build());
      last.set(built);
      return built;
    }
  }
}
