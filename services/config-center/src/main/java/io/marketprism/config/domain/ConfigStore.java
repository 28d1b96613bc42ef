package io.marketprism.config.domain;

import java.util.List;
import java.util.Optional;

/**
 * Versioned entries, one version counter per environment. Every write is conditional on the entry's current version,
 * so that callers (and the audit) always know exactly which version a write replaced. Implementations are
 * thread-safe.
 */
public interface ConfigStore {

  /** The newest version of an entry, tombstones included; empty if it never existed (or its history is gone). */
  Optional<Revision> current(EntryName name);

  /** One retained version of an entry, if it is still stored. */
  Optional<Revision> at(EntryName name, long version);

  /** The retained versions of an entry, newest first; empty if none. */
  List<Revision> history(EntryName name);

  /**
   * Writes a new version if the entry's newest version is {@code expectedVersion} (0: the entry has none).
   *
   * @return the new version
   * @throws StaleVersionException if it is not
   */
  long write(EntryName name, StoredValue value, long expectedVersion) throws StaleVersionException;

  /** The newest version of an entry's gray release (a tombstone once it ended); empty if it never had one. */
  Optional<Revision> currentGray(EntryName name);

  /** Writes a version of an entry's gray release, as {@link #write} does for the entry. */
  long writeGray(EntryName name, StoredValue value, long expectedVersion) throws StaleVersionException;

  /** The gray releases of a namespace that have not ended. */
  List<Revision> activeGrays(String environment, String namespace);

  /**
   * The store keys ({@code <namespace>.<key>}) of a namespace's entries that have any retained version (tombstoned
   * ones included), in no particular order; gray releases are not entries.
   */
  List<String> keys(String environment, String namespace);

  /** The environment's highest version; 0 if nothing was ever written there. */
  long lastVersion(String environment);

  /** Whether a change after {@code version} may have been discarded already (history limits). */
  boolean discardedAfter(String environment, long version);

  /**
   * Streams a namespace's changes, its gray releases' included, filtered by key prefix (whole segments). With {@code afterVersion} 0 it first
   * delivers the newest version of every key (tombstones included), else every version after {@code afterVersion},
   * then calls {@link ChangeListener#caughtUp()}, then delivers changes as they happen, in version order.
   */
  AutoCloseable watch(String environment, String namespace, String keyPrefix, long afterVersion, ChangeListener listener);

  /** Whether the environment has a store yet; reads of one that has none find nothing and must not create it. */
  boolean exists(String environment);

  /**
   * Streams every change of an environment, all namespaces and gray releases: the newest version of every key first
   * (tombstones included), then {@link ChangeListener#caughtUp()}, then changes as they happen, in version order. A
   * key removed outside the config center (by an operator's hand in the broker) is reported to {@link
   * ChangeListener#removed}. Creates the environment's store if it has none.
   */
  AutoCloseable watchEnvironment(String environment, ChangeListener listener);

  /** What {@link #watch} and {@link #watchEnvironment} call, on one thread at a time, in order. */
  interface ChangeListener {
    void onChange(Revision revision);

    void caughtUp();

    /** The entry (or its gray release, when {@code gray}) no longer exists in the store, as of {@code version}. */
    default void removed(EntryName name, boolean gray, long version) {}
  }

  /** The entry's newest version is not the expected one. */
  final class StaleVersionException extends Exception {
    private final long currentVersion;

    public StaleVersionException(long currentVersion) {
      super("current version is " + currentVersion, null, false, false);
      this.currentVersion = currentVersion;
    }

    /** The entry's newest version when the write was refused; 0 if it has none. */
    public long currentVersion() {
      return currentVersion;
    }
  }
}
