package io.marketprism.collector.exchange;

import io.marketprism.collector.book.ResyncReason;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/**
 * Running totals of one feed, for feed status and metrics. Written by the feed's thread, read from any
 * thread: every counter is a {@link LongAdder}, and the maps are filled once at construction.
 */
public final class FeedCounters {
  private final LongAdder frames = new LongAdder();
  private final LongAdder events = new LongAdder();
  private final LongAdder controlFrames = new LongAdder();
  private final Map<RejectReason, LongAdder> rejects = new EnumMap<>(RejectReason.class);
  private final Map<ResyncReason, LongAdder> resyncs = new EnumMap<>(ResyncReason.class);

  public FeedCounters() {
    for (RejectReason reason : RejectReason.values()) {
      rejects.put(reason, new LongAdder());
    }
    for (ResyncReason reason : ResyncReason.values()) {
      resyncs.put(reason, new LongAdder());
    }
  }

  void frame() {
    frames.increment();
  }

  void event() {
    events.increment();
  }

  void control() {
    controlFrames.increment();
  }

  void reject(RejectReason reason) {
    rejects.get(reason).increment();
  }

  /** Counts a resync request; feeds call it when a book falls out of sync. */
  public void resync(ResyncReason reason) {
    resyncs.get(reason).increment();
  }

  public long frames() {
    return frames.sum();
  }

  public long events() {
    return events.sum();
  }

  public long controlFrames() {
    return controlFrames.sum();
  }

  public long rejects(RejectReason reason) {
    return rejects.get(reason).sum();
  }

  /** All rejects, whatever the reason. */
  public long rejects() {
    long sum = 0;
    for (LongAdder adder : rejects.values()) {
      sum += adder.sum();
    }
    return sum;
  }

  public long resyncs(ResyncReason reason) {
    return resyncs.get(reason).sum();
  }

  /** Sequence gaps plus checksum mismatches: the faults (a first snapshot request is not one). */
  public long bookFaults() {
    return resyncs(ResyncReason.SEQUENCE_GAP) + resyncs(ResyncReason.CHECKSUM_MISMATCH)
        + resyncs(ResyncReason.STALE_SNAPSHOT);
  }
}
