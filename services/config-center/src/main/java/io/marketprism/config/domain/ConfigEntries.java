package io.marketprism.config.domain;

import io.marketprism.config.domain.ConfigStore.StaleVersionException;
import io.marketprism.config.secrets.SealedSecret;
import io.marketprism.config.secrets.SecretCipher;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * The config center's rules over the store: compare-and-set, deletions as versions, rollback as a new version,
 * secrets sealed before they are stored, and an audit record for every change. Callers are already authorized and
 * their requests validated. Thread-safe.
 */
public final class ConfigEntries {

  /** Unconditional writes retry this often when another writer keeps slipping in between read and write. */
  private static final int UNCONDITIONAL_ATTEMPTS = 16;

  private final ConfigStore store;
  private final Optional<SecretCipher> cipher;
  private final AuditLog audit;
  private final Clock clock;

  public ConfigEntries(ConfigStore store, Optional<SecretCipher> cipher, AuditLog audit, Clock clock) {
    this.store = store;
    this.cipher = cipher;
    this.audit = audit;
    this.clock = clock;
  }

  /** The current (not deleted) version of an entry, else {@code NOT_FOUND}. */
  public Revision get(EntryName name) {
    return store.current(name).filter(r -> !r.value().deleted()).orElseThrow(() -> Failures.notFound(name + " does not exist"));
  }

  /** The newest version of an entry, deletions included, if it has one. */
  public Optional<Revision> current(EntryName name) {
    return store.current(name);
  }

  /** The gray releases of a namespace that have not ended. */
  public List<Revision> activeGrays(String environment, String namespace) {
    return store.activeGrays(environment, namespace);
  }

  /** A secret's value in clear; {@code FAILED_PRECONDITION} if the key that sealed it is no longer configured. */
  public String reveal(Revision revision) {
    if (!revision.value().isSecret()) {
      return revision.value().text();
    }
    return cipher
        .flatMap(c -> c.open(revision.value().sealed(), revision.name().toString()))
        .orElseThrow(
            () ->
                Failures.failedPrecondition(
                    revision.name() + " version " + revision.version() + " was sealed with secret key "
                        + revision.value().sealed().keyId() + ", which this config center does not have"));
  }

  /** Writes a value; see {@code ConfigService.Put}. */
  public long put(
      EntryName name, String text, ValueType type, boolean secret, OptionalLong expected, String actor) {
    StoredValue value = secret ? StoredValue.secret(seal(name, text), type, actor) : StoredValue.plain(text, type, actor);
    return write(name, value, expected, "PUT", 0);
  }

  /** Deletes an entry (a tombstone version); {@code NOT_FOUND} if it is absent or deleted already. */
  public long delete(EntryName name, OptionalLong expected, String actor) {
    Revision current = get(name);
    if (expected.isPresent() && expected.getAsLong() != current.version()) {
      throw Failures.staleVersion(name, expected.getAsLong(), current.version());
    }
    return write(name, StoredValue.tombstone(actor), OptionalLong.of(current.version()), "DELETE", 0);
  }

  /** Writes an earlier version's value again as a new version; a secret is sealed again with the active key. */
  public Revision rollback(EntryName name, long version, OptionalLong expected, String actor) {
    Revision earlier =
        store.at(name, version)
            .orElseThrow(() -> Failures.notFound(name + " has no retained version " + version));
    if (earlier.value().deleted()) {
      throw Failures.failedPrecondition(name + " version " + version + " is a deletion: use Delete");
    }
    StoredValue restored =
        earlier.value().isSecret()
            ? StoredValue.secret(seal(name, reveal(earlier)), earlier.value().type(), actor)
            : StoredValue.plain(earlier.value().text(), earlier.value().type(), actor);
    long written = write(name, restored, expected, "ROLLBACK", version);
    return store.at(name, written).orElseThrow(() -> Failures.notFound(name + " version " + written + " vanished"));
  }

  /** The retained versions of an entry, newest first; {@code NOT_FOUND} if none. */
  public List<Revision> history(EntryName name) {
    List<Revision> history = store.history(name);
    if (history.isEmpty()) {
      throw Failures.notFound(name + " has no retained history");
    }
    return history;
  }

  /** One page of a namespace's current entries, ordered by key. */
  public record Page(List<Revision> entries, Optional<String> lastKey, long revision) {}

  /**
   * Current entries of a namespace whose key is {@code prefix} or under it (whole segments), after {@code afterKey}.
   * {@code revision} is read first, so every entry listed is at least as new as it says.
   */
  public Page list(String environment, String namespace, String prefix, String afterKey, int pageSize) {
    long revision = store.lastVersion(environment);
    List<String> keys = new ArrayList<>();
    for (String storeKey : store.keys(environment, namespace)) {
      String key = EntryName.fromStoreKey(environment, storeKey).key();
      if (KeyPrefixes.covers(prefix, key) && key.compareTo(afterKey) > 0) {
        keys.add(key);
      }
    }
    keys.sort(null);
    List<Revision> entries = new ArrayList<>();
    int next = 0;
    while (next < keys.size() && entries.size() < pageSize) {
      store.current(new EntryName(environment, namespace, keys.get(next++)))
          .filter(r -> !r.value().deleted())
          .ifPresent(entries::add);
    }
    Optional<String> lastKey = next < keys.size() ? Optional.of(keys.get(next - 1)) : Optional.empty();
    return new Page(entries, lastKey, revision);
  }

  /**
   * Watches a namespace; see {@link ConfigStore#watch}. {@code OUT_OF_RANGE} if changes after {@code afterVersion}
   * may be gone, or if the environment never reached that version (its store was reset: the caller's versions mean
   * nothing here any more).
   */
  public AutoCloseable watch(
      String environment, String namespace, String prefix, long afterVersion, ConfigStore.ChangeListener listener) {
    if (afterVersion > 0) {
      long last = store.lastVersion(environment);
      if (afterVersion > last) {
        throw Failures.versionCompacted(environment, afterVersion, "the environment's newest version is " + last);
      }
      if (store.discardedAfter(environment, afterVersion)) {
        throw Failures.versionCompacted(environment, afterVersion, "older versions were discarded (history limit)");
      }
    }
    return store.watch(environment, namespace, prefix, afterVersion, listener);
  }

  private SealedSecret seal(EntryName name, String text) {
    return cipher
        .orElseThrow(
            () ->
                Failures.failedPrecondition(
                    "this config center has no secret key (secrets.keys or secrets.keys-file): it cannot store secrets"))
        .seal(text, name.toString());
  }

  /** Writes {@code value} as the entry's next version and audits it as {@code action}; retries unconditional writes. */
  long write(EntryName name, StoredValue value, OptionalLong expected, String action, long restored) {
    for (int attempt = 1; ; attempt++) {
      long old = expected.isPresent() ? expectedStoreVersion(name, expected.getAsLong()) : currentVersion(name);
      try {
        long written = store.write(name, value, old);
        audit.record(
            new AuditEvent(name, action, value.updatedBy(), clock.instant(), old, written, restored, value.isSecret()));
        return written;
      } catch (StaleVersionException e) {
        if (expected.isPresent() || attempt == UNCONDITIONAL_ATTEMPTS) {
          throw Failures.staleVersion(name, expected.orElse(old), visibleVersion(name));
        }
      }
    }
  }

  /**
   * The store version a caller's {@code expected_version} stands for. 0 means "absent or deleted", which in the store
   * is either no version at all or a tombstone; anything else must be the current version itself.
   */
  private long expectedStoreVersion(EntryName name, long expected) {
    Optional<Revision> current = store.current(name);
    if (expected == 0) {
      if (current.isEmpty() || current.get().value().deleted()) {
        return current.map(Revision::version).orElse(0L);
      }
      throw Failures.staleVersion(name, 0, current.get().version());
    }
    long actual = current.filter(r -> !r.value().deleted()).map(Revision::version).orElse(0L);
    if (actual != expected) {
      throw Failures.staleVersion(name, expected, actual);
    }
    return expected;
  }

  private long currentVersion(EntryName name) {
    return store.current(name).map(Revision::version).orElse(0L);
  }

  /** The version callers see: a deleted entry is at 0, as the contract's {@code current_version} says. */
  private long visibleVersion(EntryName name) {
    return store.current(name).filter(r -> !r.value().deleted()).map(Revision::version).orElse(0L);
  }
}
