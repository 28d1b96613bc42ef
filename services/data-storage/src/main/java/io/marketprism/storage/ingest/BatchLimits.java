package io.marketprism.storage.ingest;

import io.marketprism.storage.DataStorageConfig;
import jakarta.validation.constraints.Positive;
import java.time.Duration;
import java.util.Optional;
import org.hibernate.validator.constraints.time.DurationMin;

/**
 * When the ingest flushes a batch: {@code ingest.batch-size} rows or {@code ingest.flush-interval} after its first
 * message. Starts with the file's values; the config center's key {@code ingest} (a mapping with either or both,
 * {@code {batch-size: 20000, flush-interval: 100ms}}) changes them while the ingest runs, and deleting the key goes
 * back to the file's. A batch size above a quarter of the consumers' max-ack-pending (set from the file's size when
 * they are created) is not reached by size; the flush interval still flushes. Read by the fetch threads on every message, written by the config watch: volatile fields, no
 * lock.
 */
public final class BatchLimits {

  private final int fileBatchSize;
  private final Duration fileFlushInterval;
  private volatile int batchSize;
  private volatile long flushIntervalNanos;

  public BatchLimits(DataStorageConfig.Ingest config) {
    this.fileBatchSize = config.batchSize();
    this.fileFlushInterval = config.flushInterval();
    this.batchSize = fileBatchSize;
    this.flushIntervalNanos = fileFlushInterval.toNanos();
  }

  /** The config center's value of key {@code ingest}; a key left out keeps the file's value. */
  public static final class Setting {
    @Positive private Integer batchSize;

    @DurationMin(millis = 1)
    private Duration flushInterval;
  }

  /** Applies a run-time setting; empty = the file's values. */
  public void apply(Optional<Setting> setting) {
    // Optional.map of a key left out (null) is empty: that key's file value
    batchSize = setting.map(s -> s.batchSize).orElse(fileBatchSize);
    flushIntervalNanos = setting.map(s -> s.flushInterval).orElse(fileFlushInterval).toNanos();
  }

  public int batchSize() {
    return batchSize;
  }

  public long flushIntervalNanos() {
    return flushIntervalNanos;
  }
}
