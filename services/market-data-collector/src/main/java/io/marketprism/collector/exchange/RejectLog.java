package io.marketprism.collector.exchange;

import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Logs rejected frames with their sample, at most one line per reason per interval, so a feed that turns
 * bad cannot flood the log; the line says how many were left out since the last one. (The feed's
 * {@link FeedCounters} count every reject; this is only the log.) One instance per feed; thread-safe
 * (synchronized: rejects are rare by definition).
 */
public final class RejectLog implements RejectListener {
  private static final Logger LOG = LoggerFactory.getLogger(RejectLog.class);

  private final long intervalNanos;
  private final LongSupplier nanoClock;
  private final Consumer<String> sink;
  private final Map<RejectReason, Long> lastLogged = new EnumMap<>(RejectReason.class);
  private final Map<RejectReason, Long> suppressed = new EnumMap<>(RejectReason.class);

  /** Logs through SLF4J at WARN, at most once per reason per {@code interval}. */
  public RejectLog(Duration interval) {
    this(interval, System::nanoTime, LOG::warn);
  }

  RejectLog(Duration interval, LongSupplier nanoClock, Consumer<String> sink) {
    this.intervalNanos = interval.toNanos();
    this.nanoClock = nanoClock;
    this.sink = sink;
  }

  @Override
  public synchronized void onReject(FrameReject reject) {
    long now = nanoClock.getAsLong();
    Long last = lastLogged.get(reject.reason());
    if (last != null && now - last < intervalNanos) {
      suppressed.merge(reject.reason(), 1L, Long::sum);
      return;
    }
    lastLogged.put(reject.reason(), now);
    Long skipped = suppressed.remove(reject.reason());
    sink.accept(reject.exchange() + " frame rejected (" + reject.reason() + "): " + reject.detail()
        + (skipped == null ? "" : " [" + skipped + " more since the last report]")
        + "; sample: " + reject.sample());
  }
}
