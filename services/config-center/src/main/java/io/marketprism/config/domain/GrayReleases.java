package io.marketprism.config.domain;

import io.marketprism.config.domain.ConfigStore.StaleVersionException;
import java.time.Clock;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Gray releases (as in Apollo and Nacos): a value served first to the instances a {@link GrayRule} matches, then
 * promoted to everyone or abandoned. A release is stored beside its entry as versions of its own (its value, and a
 * tombstone when it ends), so watchers receive its start and end in order with the entry's changes. Thread-safe.
 */
public final class GrayReleases {

  private final ConfigStore store;
  private final ConfigEntries entries;
  private final AuditLog audit;
  private final Clock clock;

  public GrayReleases(ConfigStore store, ConfigEntries entries, AuditLog audit, Clock clock) {
    this.store = store;
    this.entries = entries;
    this.audit = audit;
    this.clock = clock;
  }

  /** Starts or replaces the gray release of an existing, non-secret entry. */
  public Revision start(EntryName name, String text, ValueType type, GrayRule rule, String actor) {
    Revision current = entries.get(name);
    if (current.value().isSecret()) {
      throw Failures.failedPrecondition(name + " is a secret: secrets have no gray releases");
    }
    Optional<Revision> previous = store.currentGray(name);
    long written;
    try {
      written =
          store.writeGray(name, StoredValue.gray(text, type, actor, rule), previous.map(Revision::version).orElse(0L));
    } catch (StaleVersionException e) {
      throw Failures.staleVersion(name, previous.map(Revision::version).orElse(0L), e.currentVersion());
    }
    audit.record(new AuditEvent(name, "GRAY_START", actor, clock.instant(), current.version(), written, 0, false));
    return store.currentGray(name).filter(r -> r.version() == written).orElseThrow(
        () -> Failures.staleVersion(name, written, store.currentGray(name).map(Revision::version).orElse(0L)));
  }

  /** Writes the gray value as the entry's next version, then ends the release; returns the new version. */
  public long promote(EntryName name, String actor) {
    Revision gray = active(name);
    // the value first, the end of the release second: a matching watcher never sees the old value in between
    long version =
        entries.write(
            name,
            StoredValue.plain(gray.value().text(), gray.value().type(), actor),
            OptionalLong.empty(),
            "GRAY_PROMOTE",
            0);
    end(name, gray, actor);
    return version;
  }

  /** Ends the release; the entry keeps its value. Returns the version of the release's tombstone. */
  public long abandon(EntryName name, String actor) {
    Revision gray = active(name);
    long ended = end(name, gray, actor);
    audit.record(new AuditEvent(name, "GRAY_ABANDON", actor, clock.instant(), gray.version(), ended, 0, false));
    return ended;
  }

  /** The gray release an instance gets for an entry, if one is active and matches it. */
  public Optional<Revision> forInstance(EntryName name, Instance instance) {
    return store.currentGray(name)
        .filter(r -> !r.value().deleted() && r.value().grayRule().matches(instance, name.key()));
  }

  private Revision active(EntryName name) {
    return store.currentGray(name)
        .filter(r -> !r.value().deleted())
        .orElseThrow(() -> Failures.notFound(name + " has no gray release"));
  }

  private long end(EntryName name, Revision gray, String actor) {
    try {
      return store.writeGray(name, StoredValue.tombstone(actor), gray.version());
    } catch (StaleVersionException e) {
      throw Failures.staleVersion(name, gray.version(), e.currentVersion());
    }
  }
}
