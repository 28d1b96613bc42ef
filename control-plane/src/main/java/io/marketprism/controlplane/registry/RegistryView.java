package io.marketprism.controlplane.registry;

import io.marketprism.registry.v1.Instance;
import io.marketprism.registry.v1.InstanceEvent;
import io.marketprism.registry.v1.InstanceEventType;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This replica's copy of the registry, kept current by watching the {@link RegistryStore}, and the source of
 * registry events for the snapshot builder and {@code WatchInstances}.
 *
 * <p>Heartbeats change only {@code last_heartbeat_time} and the lease; they update the copy silently (no event),
 * so that a lease renewal neither rebuilds xDS snapshots nor floods watchers.
 *
 * <p>Thread-safe: all state is guarded by {@code this}; listeners are called while it is held, in revision order,
 * so a subscriber sees its snapshot and then every later change exactly once. Listeners must be quick.
 */
public final class RegistryView implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(RegistryView.class);

  /** Receives registry changes. */
  public interface Listener {
    /** Changes in the order they happened. */
    void onEvents(List<InstanceEvent> events);

    /** The view closed (the control plane drains): no more events come. */
    default void onClosed() {}
  }

  /** A stored entry and its bucket revision. */
  public record Entry(RegistryEntry entry, long revision) {}

  private final Map<InstanceKey, Entry> entries = new TreeMap<>();
  // Revisions of every key seen, deleted ones included, so that a late, older write cannot resurrect an entry.
  private final Map<InstanceKey, Long> revisions = new HashMap<>();
  private final List<Listener> listeners = new CopyOnWriteArrayList<>();
  private final CountDownLatch synced = new CountDownLatch(1);
  private AutoCloseable watch;

  /** Starts watching {@code store}; {@link #awaitSynced} returns once the current entries are loaded. */
  public static RegistryView watching(RegistryStore store) throws RegistryStore.StoreException {
    RegistryView view = new RegistryView();
    view.watch = store.watch(view::apply, view.synced::countDown);
    return view;
  }

  /** Waits until the entries that existed when watching began are loaded. */
  public boolean awaitSynced(Duration timeout) throws InterruptedException {
    return synced.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** Applies one change (from the store's watch, or a write this replica just made); older revisions are ignored. */
  public synchronized void apply(RegistryStore.Change change) {
    Long known = revisions.get(change.key());
    if (known != null && known >= change.revision()) {
      return;
    }
    revisions.put(change.key(), change.revision());
    Entry previous = entries.get(change.key());
    InstanceEvent event = null;
    if (change.entry().isPresent()) {
      RegistryEntry entry = change.entry().get();
      entries.put(change.key(), new Entry(entry, change.revision()));
      if (previous == null || !sameButHeartbeat(previous.entry().instance(), entry.instance())) {
        event = event(InstanceEventType.INSTANCE_EVENT_TYPE_UPSERTED, entry.instance());
      }
    } else if (previous != null) {
      entries.remove(change.key());
      event = event(InstanceEventType.INSTANCE_EVENT_TYPE_REMOVED, previous.entry().instance());
    }
    if (event != null) {
      List<InstanceEvent> events = List.of(event);
      for (Listener listener : listeners) {
        try {
          listener.onEvents(events);
        } catch (RuntimeException e) {
          log.warn("registry listener {} failed", listener, e);
        }
      }
    }
  }

  /** Adds the instance to the copy as written by this replica, ahead of the watch. */
  void applyWrite(RegistryEntry entry, long revision) {
    apply(new RegistryStore.Change(entry.key(), Optional.of(entry), revision));
  }

  /**
   * Registers {@code listener} and returns, atomically with it, the instances that match {@code filter} now: the
   * listener then gets every later change (unfiltered).
   */
  public synchronized List<Instance> subscribe(Listener listener, Predicate<Instance> filter) {
    listeners.add(listener);
    return instances(filter);
  }

  public void unsubscribe(Listener listener) {
    listeners.remove(listener);
  }

  /** Instances matching {@code filter}, ordered by (service, instance_id). O(n) in the registry's size. */
  public synchronized List<Instance> instances(Predicate<Instance> filter) {
    List<Instance> out = new ArrayList<>();
    for (Entry e : entries.values()) {
      if (filter.test(e.entry().instance())) {
        out.add(e.entry().instance());
      }
    }
    return out;
  }

  public synchronized Optional<Entry> get(InstanceKey key) {
    return Optional.ofNullable(entries.get(key));
  }

  /** Every entry with its revision, ordered by key. */
  public synchronized List<Entry> entries() {
    return new ArrayList<>(entries.values());
  }

  private static boolean sameButHeartbeat(Instance a, Instance b) {
    return a.toBuilder().clearLastHeartbeatTime().build().equals(b.toBuilder().clearLastHeartbeatTime().build());
  }

  private static InstanceEvent event(InstanceEventType type, Instance instance) {
    return InstanceEvent.newBuilder().setType(type).setInstance(instance).build();
  }

  /** Stops watching and tells listeners that no more events come. */
  @Override
  public void close() {
    try {
      if (watch != null) {
        watch.close();
      }
    } catch (Exception e) {
      log.debug("closing the registry watch failed", e);
    }
    for (Listener listener : listeners) {
      listener.onClosed();
    }
    listeners.clear();
  }
}
