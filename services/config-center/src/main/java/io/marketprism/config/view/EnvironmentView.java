package io.marketprism.config.view;

import io.marketprism.config.domain.ConfigStore;
import io.marketprism.config.domain.EntryName;
import io.marketprism.config.domain.KeyPrefixes;
import io.marketprism.config.domain.Revision;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One environment's entries and gray releases held in memory, kept current by one watch of the environment's whole
 * store, and the point every Watch call on the environment fans out from — one upstream watch, many downstream
 * watchers, as etcd's watch hub and Apollo's long-poll notifier work. Without it every Watch call was a JetStream
 * consumer of its own (10,000 watchers were 10,000 consumers on nats-server) and every Get a round trip to the stream
 * leader.
 *
 * <p>It is usable for reads once it has caught up with the store and holds every version this config center itself
 * wrote ({@link #require}); until then callers read the store. Resumed watches are served from a log of the changes
 * since the view caught up (the newest {@code logLimit}); a watcher resuming from before that is told so ({@link
 * #subscribe} returns empty) and watches the store itself.
 *
 * <p>Thread-safe: the upstream watch delivers on its own thread; reads are lock-free; subscribing and delivering
 * share one lock, so a new watcher's snapshot or catch-up and the live changes after it meet without a gap or a
 * duplicate.
 */
final class EnvironmentView implements ConfigStore.ChangeListener, AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(EnvironmentView.class);

  private final String environment;
  private final int logLimit;
  private final Map<EntryName, Revision> entries = new ConcurrentHashMap<>();
  private final Map<EntryName, Revision> grays = new ConcurrentHashMap<>();
  /** The newest version delivered by the upstream watch. */
  private volatile long applied;
  /** The newest version this config center wrote; reads wait for {@link #applied} to reach it. */
  private volatile long required;

  private volatile boolean live;

  private final Object lock = new Object();
  /** Every change after {@link #logFrom}, oldest first; guarded by {@link #lock}. */
  private final ArrayDeque<Revision> changes = new ArrayDeque<>();

  private long logFrom;
  private final Set<Subscriber> subscribers = new LinkedHashSet<>();
  private volatile AutoCloseable upstream;

  EnvironmentView(String environment, int logLimit) {
    this.environment = environment;
    this.logLimit = logLimit;
  }

  /** Starts the upstream watch; the view becomes usable once it has caught up. */
  void start(ConfigStore store) {
    upstream = store.watchEnvironment(environment, this);
  }

  /** Whether reads may be answered from here: caught up, and holding every version this config center wrote. */
  boolean usable() {
    return live && applied >= required;
  }

  Optional<Revision> current(EntryName name) {
    return Optional.ofNullable(entries.get(name));
  }

  Optional<Revision> currentGray(EntryName name) {
    return Optional.ofNullable(grays.get(name));
  }

  /** The store keys of a namespace's entries, tombstoned ones included. */
  List<String> keys(String namespace) {
    return entries.keySet().stream().filter(name -> name.namespace().equals(namespace)).map(EntryName::storeKey).toList();
  }

  /** The gray releases of a namespace that have not ended. */
  List<Revision> activeGrays(String namespace) {
    return grays.values().stream()
        .filter(r -> r.name().namespace().equals(namespace) && !r.value().deleted())
        .toList();
  }

  /**
   * Marks {@code version} (written by this config center) as one reads must see, and waits up to {@code wait} for
   * the upstream watch to deliver it, so that a caller reading after its own write finds it. Until it arrives reads go
   * to the store, so a stalled watch costs speed, never a stale answer.
   */
  void require(long version, Duration wait) {
    synchronized (lock) {
      required = Math.max(required, version);
      long deadline = System.nanoTime() + wait.toNanos();
      while (applied < version) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          log.warn(
              "the {} view has not received version {} after {} (it has {}): reads go to the store until it does",
              environment, version, wait, applied);
          return;
        }
        try {
          lock.wait(Math.max(1, left / 1_000_000));
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        }
      }
    }
  }

  /**
   * Watches a namespace from here, as {@link ConfigStore#watch} does; empty if this view cannot serve it (not caught
   * up yet, or {@code afterVersion} is older than its log), and then the caller watches the store itself.
   */
  Optional<AutoCloseable> subscribe(
      String namespace, String keyPrefix, long afterVersion, ConfigStore.ChangeListener listener) {
    synchronized (lock) {
      if (!live || (afterVersion > 0 && afterVersion < logFrom)) {
        return Optional.empty();
      }
      Subscriber subscriber = new Subscriber(namespace, keyPrefix, Math.max(afterVersion, applied), listener);
      if (afterVersion == 0) {
        List<Revision> newest = new ArrayList<>();
        entries.values().stream().filter(subscriber::covers).forEach(newest::add);
        grays.values().stream().filter(subscriber::covers).forEach(newest::add);
        newest.sort(Comparator.comparingLong(Revision::version));
        newest.forEach(listener::onChange);
      } else {
        for (Revision change : changes) {
          if (change.version() > afterVersion && subscriber.covers(change)) {
            listener.onChange(change);
          }
        }
      }
      listener.caughtUp();
      subscribers.add(subscriber);
      return Optional.of(() -> unsubscribe(subscriber));
    }
  }

  /** Open watches served from here. */
  int watchers() {
    synchronized (lock) {
      return subscribers.size();
    }
  }

  @Override
  public void onChange(Revision revision) {
    synchronized (lock) {
      (revision.gray() ? grays : entries).merge(revision.name(), revision, EnvironmentView::newer);
      advance(revision.version());
      if (!live) {
        return;
      }
      changes.addLast(revision);
      if (changes.size() > logLimit) {
        logFrom = changes.removeFirst().version();
      }
      for (Subscriber subscriber : subscribers) {
        subscriber.offer(revision);
      }
    }
  }

  @Override
  public void removed(EntryName name, boolean gray, long version) {
    synchronized (lock) {
      (gray ? grays : entries).computeIfPresent(name, (key, held) -> held.version() < version ? null : held);
      advance(version);
    }
  }

  @Override
  public void caughtUp() {
    synchronized (lock) {
      if (!live) {
        logFrom = applied;
        live = true;
        log.info("config view of {} caught up at version {} ({} entries)", environment, applied, entries.size());
      }
    }
  }

  private void advance(long version) {
    if (version > applied) {
      applied = version;
      lock.notifyAll();
    }
  }

  private void unsubscribe(Subscriber subscriber) {
    synchronized (lock) {
      subscribers.remove(subscriber);
    }
  }

  @Override
  public void close() throws Exception {
    AutoCloseable watch = upstream;
    if (watch != null) {
      watch.close();
    }
  }

  private static Revision newer(Revision held, Revision arrived) {
    return arrived.version() >= held.version() ? arrived : held;
  }

  /** One Watch call served from here: its namespace and prefix, and the version it has seen up to. */
  private static final class Subscriber {
    private final String namespace;
    private final String keyPrefix;
    private final long after;
    private final ConfigStore.ChangeListener listener;

    Subscriber(String namespace, String keyPrefix, long after, ConfigStore.ChangeListener listener) {
      this.namespace = namespace;
      this.keyPrefix = keyPrefix;
      this.after = after;
      this.listener = listener;
    }

    boolean covers(Revision revision) {
      return revision.name().namespace().equals(namespace) && KeyPrefixes.covers(keyPrefix, revision.name().key());
    }

    /** A live change; one at or below what the watcher named as seen (it resumed ahead of this view) is not sent. */
    void offer(Revision revision) {
      if (revision.version() > after && covers(revision)) {
        try {
          listener.onChange(revision);
        } catch (RuntimeException e) {
          // one broken watcher must not stop the others' changes
          log.warn("a watcher failed on version {}: {}", revision.version(), e.toString());
        }
      }
    }
  }
}
