package io.marketprism.collector.subscription;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The set of subscribed triples with the time each was first subscribed. Add and remove are idempotent
 * set operations. The hot path ({@link #publishes}, once per event) reads a volatile immutable set of
 * subjects, replaced on every change; everything else is synchronized on this object.
 */
public final class Subscriptions {
  private final Clock clock;
  // Guarded by this.
  private final TreeMap<SubscriptionKey, Instant> entries = new TreeMap<>();
  private volatile Set<String> subjects = Set.of();

  public Subscriptions(Clock clock) {
    this.clock = clock;
  }

  /** A subscription and when it was first subscribed. */
  public record Entry(SubscriptionKey key, Instant createTime) {}

  /** What an add or remove did: the entries changed and those left as they were. */
  public record Change(List<Entry> changed, List<Entry> unchanged) {}

  /** Adds {@code keys}; already subscribed ones are reported unchanged, with their original create time. */
  public synchronized Change add(Collection<SubscriptionKey> keys) {
    Instant now = clock.instant();
    List<Entry> added = new ArrayList<>();
    List<Entry> already = new ArrayList<>();
    for (SubscriptionKey key : keys) {
      Instant existing = entries.get(key);
      if (existing != null) {
        already.add(new Entry(key, existing));
      } else {
        entries.put(key, now);
        added.add(new Entry(key, now));
      }
    }
    publishSubjects();
    return new Change(added, already);
  }

  /** Removes {@code keys}; those not subscribed are reported unchanged, with no create time. */
  public synchronized Change remove(Collection<SubscriptionKey> keys) {
    List<Entry> removed = new ArrayList<>();
    List<Entry> absent = new ArrayList<>();
    for (SubscriptionKey key : keys) {
      Instant created = entries.remove(key);
      if (created != null) {
        removed.add(new Entry(key, created));
      } else {
        absent.add(new Entry(key, null));
      }
    }
    publishSubjects();
    return new Change(removed, absent);
  }

  /** Every subscription, ordered by (exchange, symbol, data type). */
  public synchronized List<Entry> list() {
    List<Entry> list = new ArrayList<>(entries.size());
    for (Map.Entry<SubscriptionKey, Instant> entry : entries.entrySet()) {
      list.add(new Entry(entry.getKey(), entry.getValue()));
    }
    return list;
  }

  /** Whether events on {@code subject} are subscribed. O(1), lock-free. */
  public boolean publishes(String subject) {
    return subjects.contains(subject);
  }

  private void publishSubjects() {
    Set<String> next = new HashSet<>();
    for (SubscriptionKey key : entries.keySet()) {
      next.add(key.subject());
    }
    subjects = Set.copyOf(next);
  }
}
