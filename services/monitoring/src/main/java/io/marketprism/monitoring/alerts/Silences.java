package io.marketprism.monitoring.alerts;

import com.google.protobuf.Timestamp;
import com.google.protobuf.util.Timestamps;
import io.marketprism.monitoring.rules.LabelMatchers;
import io.marketprism.monitoring.series.Labels;
import io.marketprism.monitoring.v1.Silence;
import io.marketprism.monitoring.v1.SilenceState;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Every silence, with its matchers compiled. A silence's state is computed from its times whenever it is read, so an
 * expiry needs no timer.
 *
 * <p>Thread-safe: synchronized.
 */
public final class Silences {

  private record Entry(Silence silence, LabelMatchers matchers) {}

  private final Map<String, Entry> byId = new LinkedHashMap<>();

  public synchronized void put(Silence silence) {
    byId.put(silence.getSilenceId(), new Entry(silence, LabelMatchers.compile(silence.getMatchersList())));
  }

  public synchronized Optional<Silence> get(String id, long nowNanos) {
    Entry entry = byId.get(id);
    return entry == null ? Optional.empty() : Optional.of(withState(entry.silence(), nowNanos));
  }

  /** Ids of the silences active at {@code nowNanos} whose matchers all match {@code labels}, sorted. */
  public synchronized List<String> silencing(Labels labels, long nowNanos) {
    List<String> ids = new ArrayList<>();
    for (Entry entry : byId.values()) {
      if (state(entry.silence(), nowNanos) == SilenceState.SILENCE_STATE_ACTIVE && entry.matchers().matches(labels)) {
        ids.add(entry.silence().getSilenceId());
      }
    }
    ids.sort(Comparator.naturalOrder());
    return ids;
  }

  /** Every silence with its state as of {@code nowNanos}, newest start first. */
  public synchronized List<Silence> all(long nowNanos) {
    List<Silence> all = new ArrayList<>();
    byId.values().forEach(entry -> all.add(withState(entry.silence(), nowNanos)));
    all.sort(Comparator.comparing((Silence s) -> Timestamps.toNanos(s.getStartTime())).reversed()
        .thenComparing(Silence::getSilenceId));
    return all;
  }

  static Silence withState(Silence silence, long nowNanos) {
    return silence.toBuilder().setState(state(silence, nowNanos)).build();
  }

  static SilenceState state(Silence silence, long nowNanos) {
    if (nowNanos >= nanos(silence.getEndTime())) {
      return SilenceState.SILENCE_STATE_EXPIRED;
    }
    return nowNanos < nanos(silence.getStartTime()) ? SilenceState.SILENCE_STATE_PENDING
        : SilenceState.SILENCE_STATE_ACTIVE;
  }

  private static long nanos(Timestamp timestamp) {
    return Timestamps.toNanos(timestamp);
  }
}
