package io.marketprism.collector.exchange.binance;

import io.marketprism.collector.book.OrderBook;
import io.marketprism.collector.book.ResyncReason;
import io.marketprism.marketdata.v1.BookDelta;
import io.marketprism.marketdata.v1.BookSnapshot;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * Binance's local order book algorithm for one symbol ("How to manage a local order book correctly"):
 * buffer depth updates until a REST snapshot arrives; drop updates the snapshot already contains; the first
 * update applied must straddle the snapshot; each later one must follow the previous without a hole. Spot
 * and futures differ in the details:
 *
 * <ul>
 *   <li>spot: drop {@code u <= lastUpdateId}; first applied has {@code U <= lastUpdateId + 1 <= u}; later
 *       ones {@code U == previous u + 1}.
 *   <li>futures: drop {@code u < lastUpdateId}; first applied has {@code U <= lastUpdateId <= u}; later
 *       ones {@code pu == previous u}.
 * </ul>
 *
 * A hole empties the book, emits nothing more and asks for a new snapshot. Confined to its feed's thread.
 */
final class BinanceBook {
  /** Updates kept while waiting for a snapshot; beyond this the oldest go (a later snapshot covers them). */
  static final int MAX_BUFFERED = 10_000;

  /** What the book tells its feed. */
  interface Output {
    void snapshot(BookSnapshot snapshot);

    void delta(BookDelta delta);

    void resync(String nativeSymbol, ResyncReason reason, String detail);
  }

  private final String nativeSymbol;
  private final boolean futures;
  private final OrderBook book = new OrderBook();
  private final ArrayDeque<BookDelta> buffer = new ArrayDeque<>();
  private boolean synced;
  private boolean awaitingFirstUpdate;
  private boolean snapshotRequested;
  private long lastUpdateId;

  BinanceBook(String nativeSymbol, boolean futures) {
    this.nativeSymbol = nativeSymbol;
    this.futures = futures;
  }

  boolean isSynced() {
    return synced;
  }

  boolean isFutures() {
    return futures;
  }

  /** Updates buffered while no snapshot has seeded the book. */
  int bufferedUpdates() {
    return synced ? 0 : buffer.size();
  }

  OrderBook levels() {
    return book;
  }

  /**
   * A snapshot for this book is already at hand (normalize's REST snapshot line came before the book's first
   * update): buffer updates for it without asking for another.
   */
  void snapshotAtHand() {
    snapshotRequested = true;
  }

  /** Forgets the sync state; the next update asks for a snapshot again. */
  void reset() {
    synced = false;
    snapshotRequested = false;
    book.clear();
    buffer.clear();
  }

  void onUpdate(BookDelta delta, Output out) {
    if (!synced) {
      if (buffer.size() == MAX_BUFFERED) {
        buffer.pollFirst();
      }
      buffer.addLast(delta);
      if (!snapshotRequested) {
        snapshotRequested = true;
        out.resync(nativeSymbol, ResyncReason.NO_SNAPSHOT, "depth snapshot needed for " + nativeSymbol);
      }
      return;
    }
    applyInSequence(delta, out);
  }

  /**
   * Seeds the book from a REST snapshot and replays the buffered updates. Emits the snapshot and the
   * updates that follow it, or nothing when the snapshot is older than the buffered updates.
   */
  void onSnapshot(BookSnapshot snapshot, Output out) {
    long snapshotId = snapshot.getLastSequence();
    while (!buffer.isEmpty() && alreadyInSnapshot(buffer.peekFirst(), snapshotId)) {
      buffer.pollFirst();
    }
    BookDelta first = buffer.peekFirst();
    if (first != null && first.getFirstSequence() > (futures ? snapshotId : snapshotId + 1)) {
      synced = false;
      snapshotRequested = true;
      out.resync(nativeSymbol, ResyncReason.STALE_SNAPSHOT, "snapshot lastUpdateId " + snapshotId
          + " is older than the first buffered update U=" + first.getFirstSequence());
      return;
    }
    book.clear();
    book.apply(snapshot.getBidsList(), snapshot.getAsksList());
    synced = true;
    snapshotRequested = false;
    awaitingFirstUpdate = true;
    lastUpdateId = snapshotId;
    out.snapshot(snapshot);
    List<BookDelta> replay = new ArrayList<>(buffer);
    buffer.clear();
    for (BookDelta delta : replay) {
      if (!synced) {
        onUpdate(delta, out);
      } else {
        applyInSequence(delta, out);
      }
    }
  }

  private void applyInSequence(BookDelta delta, Output out) {
    long first = delta.getFirstSequence();
    long last = delta.getLastSequence();
    if (awaitingFirstUpdate) {
      if (alreadyInSnapshot(delta, lastUpdateId)) {
        return;
      }
      long target = futures ? lastUpdateId : lastUpdateId + 1;
      if (first > target || last < target) {
        gap(delta, out, "first update after snapshot " + lastUpdateId + " must cover " + target
            + ", got U=" + first + " u=" + last);
        return;
      }
    } else if (last <= lastUpdateId) {
      return; // already applied (a repeated frame); harmless to skip
    } else if (futures) {
      long previous = delta.getPrevSequence();
      if (previous != lastUpdateId) {
        gap(delta, out, "expected pu=" + lastUpdateId + ", got pu=" + previous);
        return;
      }
    } else if (first != lastUpdateId + 1) {
      gap(delta, out, "expected U=" + (lastUpdateId + 1) + ", got U=" + first);
      return;
    }
    book.apply(delta.getBidsList(), delta.getAsksList());
    awaitingFirstUpdate = false;
    lastUpdateId = last;
    out.delta(delta);
  }

  private boolean alreadyInSnapshot(BookDelta delta, long snapshotId) {
    return futures ? delta.getLastSequence() < snapshotId : delta.getLastSequence() <= snapshotId;
  }

  private void gap(BookDelta delta, Output out, String detail) {
    synced = false;
    book.clear();
    buffer.clear();
    buffer.addLast(delta);
    snapshotRequested = true;
    out.resync(nativeSymbol, ResyncReason.SEQUENCE_GAP, nativeSymbol + ": " + detail);
  }
}
