package io.marketprism.collector.book;

import io.marketprism.marketdata.v1.Level;
import java.util.List;

/**
 * A book whose exchange numbers every message and sends its snapshot in-stream (OKX {@code seqId}/
 * {@code prevSeqId}, Deribit {@code change_id}/{@code prev_change_id}): an update follows the book when its
 * previous-sequence field equals the last sequence applied. Holds the levels and that sync state; the
 * exchange's feed decides what a message means. Confined to its feed's thread.
 */
public final class SequencedBook {
  private final OrderBook levels = new OrderBook();
  private boolean synced;
  private boolean everSynced;
  private boolean missingSnapshotReported;
  private long lastSequence;

  public OrderBook levels() {
    return levels;
  }

  public boolean isSynced() {
    return synced;
  }

  /** Replaces every level with a snapshot's; the book is not synced until {@link #markSynced}. */
  public void replaceLevels(List<Level> bids, List<Level> asks) {
    levels.clear();
    levels.apply(bids, asks);
  }

  /** The snapshot (or update) at {@code sequence} is applied and good. */
  public void markSynced(long sequence) {
    synced = true;
    everSynced = true;
    lastSequence = sequence;
  }

  /** The sequence of the last message applied. Meaningful only while synced. */
  public long lastSequence() {
    return lastSequence;
  }

  /** True when an update whose previous-sequence field is {@code previous} continues this book. */
  public boolean isFollowedBy(long previous) {
    return synced && previous == lastSequence;
  }

  /** Out of sync: levels dropped, updates ignored until the next snapshot. */
  public void reset() {
    synced = false;
    levels.clear();
  }

  /**
   * True the first time an update arrives for a book no snapshot ever seeded (worth one report), false
   * afterwards and after a gap (already reported as such).
   */
  public boolean firstUpdateWithoutSnapshot() {
    if (everSynced || missingSnapshotReported) {
      return false;
    }
    missingSnapshotReported = true;
    return true;
  }
}
