package io.marketprism.collector.feed;

import io.marketprism.collector.book.ResyncReason;
import io.marketprism.collector.exchange.RejectReason;
import io.marketprism.marketdata.v1.DataType;
import io.prometheus.metrics.core.datapoints.CounterDataPoint;
import java.time.Instant;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Running totals of one exchange's feeds since the collector started, kept across reconnects and
 * subscription changes (a connection's own counters start over with it). Written by feed threads, read by
 * status requests: counters are {@link LongAdder}s, per-book state a concurrent map, the last error one
 * volatile immutable record.
 */
final class ExchangeStats {
  /** Samples kept per rate window: a minute at one sample a second. */
  private static final int RATE_SAMPLES = 61;

  final String exchange;
  private final Map<DataType, TypeStats> types = new EnumMap<>(DataType.class);
  private final Map<RejectReason, CounterDataPoint> rejectPoints = new EnumMap<>(RejectReason.class);
  private final Map<ResyncReason, CounterDataPoint> resyncPoints = new EnumMap<>(ResyncReason.class);
  private final ConcurrentHashMap<String, BookState> books = new ConcurrentHashMap<>();
  private final LongAdder rejects = new LongAdder();
  private final LongAdder gaps = new LongAdder();
  private final LongAdder resyncs = new LongAdder();
  private volatile LastError lastError;

  ExchangeStats(String exchange, CollectorMetrics metrics) {
    this.exchange = exchange;
    for (DataType type : DataType.values()) {
      if (type != DataType.DATA_TYPE_UNSPECIFIED && type != DataType.UNRECOGNIZED) {
        types.put(type, new TypeStats(metrics, exchange, type));
      }
    }
    for (RejectReason reason : RejectReason.values()) {
      rejectPoints.put(reason, metrics.rejects.labelValues(exchange, reason.name().toLowerCase(Locale.ROOT)));
    }
    for (ResyncReason reason : ResyncReason.values()) {
      resyncPoints.put(reason, metrics.resyncs.labelValues(exchange, reason.name().toLowerCase(Locale.ROOT)));
    }
  }

  TypeStats type(DataType type) {
    return types.get(type);
  }

  Iterable<TypeStats> types() {
    return types.values();
  }

  void rejected(RejectReason reason, String detail) {
    rejects.increment();
    rejectPoints.get(reason).inc();
    error("rejected frame (" + reason.name().toLowerCase(Locale.ROOT) + "): " + detail);
  }

  /** A book fell out of sync; it is unsynced until its next snapshot. */
  void resyncRequested(String bookKey, ResyncReason reason, String detail) {
    resyncPoints.get(reason).inc();
    books.computeIfAbsent(bookKey, key -> new BookState()).syncedAt = null;
    if (reason == ResyncReason.SEQUENCE_GAP || reason == ResyncReason.CHECKSUM_MISMATCH) {
      gaps.increment();
    }
    if (reason != ResyncReason.NO_SNAPSHOT) {
      error(reason.name().toLowerCase(Locale.ROOT).replace('_', ' ') + " in book " + bookKey + ": " + detail);
    }
  }

  /** A snapshot seeded {@code bookKey}: it is in sync; every snapshot after its first is a re-sync. */
  void snapshot(String bookKey) {
    BookState book = books.computeIfAbsent(bookKey, key -> new BookState());
    if (book.seeded) {
      resyncs.increment();
    }
    book.seeded = true;
    book.syncedAt = Instant.now();
  }

  /** Whether {@code bookKey} has been seeded since {@code since} (its connection's start) and not lost since. */
  boolean bookSynced(String bookKey, Instant since) {
    BookState book = books.get(bookKey);
    Instant synced = book == null ? null : book.syncedAt;
    return synced != null && !synced.isBefore(since);
  }

  void error(String message) {
    lastError = new LastError(message, Instant.now());
  }

  long rejects() {
    return rejects.sum();
  }

  long gaps() {
    return gaps.sum();
  }

  long resyncs() {
    return resyncs.sum();
  }

  LastError lastError() {
    return lastError;
  }

  /** The last problem seen, in plain words. */
  record LastError(String message, Instant time) {}

  /** Sync state of one book; fields written by its feed thread. */
  private static final class BookState {
    volatile Instant syncedAt; // when the snapshot that synced it arrived; null while unsynced
    volatile boolean seeded;
  }

  /** Totals of one data type. */
  static final class TypeStats {
    final DataType type;
    final LongAdder events = new LongAdder();
    final LongAdder published = new LongAdder();
    final LongAdder shed = new LongAdder();
    final RateWindow rate = new RateWindow(RATE_SAMPLES);
    final CounterDataPoint publishedPoint;
    final CounterDataPoint shedPoint;

    TypeStats(CollectorMetrics metrics, String exchange, DataType type) {
      this.type = type;
      String token = io.marketprism.messaging.MarketDataSubjects.typeToken(type);
      publishedPoint = metrics.events.labelValues(exchange, token, "published");
      shedPoint = metrics.events.labelValues(exchange, token, "shed");
    }
  }
}
