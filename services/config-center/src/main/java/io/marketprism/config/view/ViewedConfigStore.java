package io.marketprism.config.view;

import io.marketprism.config.domain.ConfigStore;
import io.marketprism.config.domain.EntryName;
import io.marketprism.config.domain.Revision;
import io.marketprism.config.domain.StoredValue;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link ConfigStore} that answers current-value reads and watches from an in-memory {@link EnvironmentView} per
 * environment and passes everything else — writes, history, versions at a point, the environment's newest version —
 * to the store underneath, which stays the authority: every compare-and-set is decided there.
 *
 * <p>A read on this config center after its own write sees that write (the write waits for its view to hold it). A
 * read on another config center of the same site may trail it by the watch's delivery time, as Apollo's and Nacos's
 * cached reads do. An environment gets a view on its first write or watch, or on a read once its store exists, so a
 * read of an environment nobody uses creates nothing. Thread-safe.
 */
public final class ViewedConfigStore implements ConfigStore, AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(ViewedConfigStore.class);

  private final ConfigStore store;
  private final int logLimit;
  private final Duration writeVisibleWithin;
  private final Map<String, EnvironmentView> views = new ConcurrentHashMap<>();

  /**
   * @param logLimit changes each view keeps for watchers that resume
   * @param writeVisibleWithin how long a write waits for its view to hold it before reads of it go to the store
   */
  public ViewedConfigStore(ConfigStore store, int logLimit, Duration writeVisibleWithin) {
    this.store = store;
    this.logLimit = logLimit;
    this.writeVisibleWithin = writeVisibleWithin;
  }

  @Override
  public Optional<Revision> current(EntryName name) {
    return read(name.environment(), view -> view.current(name), () -> store.current(name));
  }

  @Override
  public Optional<Revision> currentGray(EntryName name) {
    return read(name.environment(), view -> view.currentGray(name), () -> store.currentGray(name));
  }

  @Override
  public List<Revision> activeGrays(String environment, String namespace) {
    return read(environment, view -> view.activeGrays(namespace), () -> store.activeGrays(environment, namespace));
  }

  @Override
  public List<String> keys(String environment, String namespace) {
    return read(environment, view -> view.keys(namespace), () -> store.keys(environment, namespace));
  }

  @Override
  public long write(EntryName name, StoredValue value, long expectedVersion) throws StaleVersionException {
    long written = store.write(name, value, expectedVersion);
    visible(name.environment(), written);
    return written;
  }

  @Override
  public long writeGray(EntryName name, StoredValue value, long expectedVersion) throws StaleVersionException {
    long written = store.writeGray(name, value, expectedVersion);
    visible(name.environment(), written);
    return written;
  }

  @Override
  public AutoCloseable watch(
      String environment, String namespace, String keyPrefix, long afterVersion, ChangeListener listener) {
    Optional<AutoCloseable> fromView =
        view(environment, true).flatMap(view -> view.subscribe(namespace, keyPrefix, afterVersion, listener));
    // not caught up yet, or resuming from before the view's log: this watcher reads the store itself
    return fromView.orElseGet(() -> store.watch(environment, namespace, keyPrefix, afterVersion, listener));
  }

  @Override
  public Optional<Revision> at(EntryName name, long version) {
    return store.at(name, version);
  }

  @Override
  public List<Revision> history(EntryName name) {
    return store.history(name);
  }

  @Override
  public long lastVersion(String environment) {
    return store.lastVersion(environment);
  }

  @Override
  public boolean discardedAfter(String environment, long version) {
    return store.discardedAfter(environment, version);
  }

  @Override
  public boolean exists(String environment) {
    return views.containsKey(environment) || store.exists(environment);
  }

  @Override
  public AutoCloseable watchEnvironment(String environment, ChangeListener listener) {
    return store.watchEnvironment(environment, listener);
  }

  /** Watches served from the views (not from the store underneath), for the metrics. */
  public int watchersServedInMemory() {
    return views.values().stream().mapToInt(EnvironmentView::watchers).sum();
  }

  private <T> T read(String environment, Function<EnvironmentView, T> fromView, Supplier<T> fromStore) {
    Optional<EnvironmentView> view = view(environment, false);
    return view.isPresent() && view.get().usable() ? fromView.apply(view.get()) : fromStore.get();
  }

  private void visible(String environment, long version) {
    view(environment, true).ifPresent(view -> view.require(version, writeVisibleWithin));
  }

  /**
   * The environment's view, started if it has none; {@code create} also when its store does not exist yet (a write or
   * a watch makes it anyway). Empty if the view cannot start now (the store is unreachable): the caller reads the
   * store, and a later call tries again.
   */
  private Optional<EnvironmentView> view(String environment, boolean create) {
    EnvironmentView existing = views.get(environment);
    if (existing != null) {
      return Optional.of(existing);
    }
    if (!create && !store.exists(environment)) {
      return Optional.empty();
    }
    try {
      return Optional.of(views.computeIfAbsent(environment, this::started));
    } catch (RuntimeException e) {
      log.warn("cannot start the config view of {}: {}", environment, e.toString());
      return Optional.empty();
    }
  }

  private EnvironmentView started(String environment) {
    EnvironmentView view = new EnvironmentView(environment, logLimit);
    view.start(store);
    return view;
  }

  @Override
  public void close() {
    for (EnvironmentView view : views.values()) {
      try {
        view.close();
      } catch (Exception e) {
        log.debug("closing a config view failed: {}", e.toString());
      }
    }
    views.clear();
  }
}
