package io.marketprism.collector.exchange;

import io.marketprism.collector.book.ResyncReason;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/**
 * Running totals of one feed, for feed status and metrics. Written by the feed's thread, read from any
 * thread. Frames and events, counted on every frame, have one writer (a feed is confined to one thread at a
 * time) and so need no atomic read-modify-write: a release write that readers see with an acquire read, which
 * costs a plain store on x86 where a {@link LongAdder}'s CAS fences. The rarer counters stay {@link LongAdder}s;
 * the maps are filled once at construction.
 */
public final class FeedCounters {
  private static final VarHandle FRAMES;
  private static final VarHandle EVENTS;

  static {
    try {
      MethodHandles.Lookup lookup = MethodHandles.lookup();
      FRAMES = lookup.findVarHandle(FeedCounters.class, "frames", long.class);
      EVENTS = lookup.findVarHandle(FeedCounters.class, "events", long.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  @SuppressWarnings("unused") // through FRAMES
  private long frames;
  @SuppressWarnings("unused") // through EVENTS
  private long events;
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
    FRAMES.setRelease(this, (long) FRAMES.getOpaque(this) + 1);
  }

  void event() {
    EVENTS.setRelease(this, (long) EVENTS.getOpaque(this) + 1);
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
    return (long) FRAMES.getAcquire(this);
  }

  public long events() {
    return (long) EVENTS.getAcquire(this);
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
